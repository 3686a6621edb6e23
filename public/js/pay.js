// Progressive enhancement for the payment page: a copy button for the
// reference and a countdown to its expiry. Without JavaScript the reference is
// plain selectable text and the expiry is shown as a date.
(function () {
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var source = document.querySelector(button.getAttribute('data-copy'));
      var text = source.getAttribute('data-copy-value') || source.textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = button.getAttribute('data-copied');
      });
    });
  });
  // The server says how many seconds are left: a phone's own clock is often wrong.
  document.querySelectorAll('[data-seconds-left]').forEach(function (el) {
    var end = Date.now() + Number(el.getAttribute('data-seconds-left')) * 1000;
    function tick() {
      var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
      if (left === 0) { el.textContent = el.getAttribute('data-done'); return; }
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = '(' + h + ':' + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0') + ')';
      setTimeout(tick, 1000);
    }
    tick();
  });
})();
