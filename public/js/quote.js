// Progressive enhancement for the apply form: while the borrower changes the
// amount or term, ask the server for the quote (the same code that prices the
// loan) and show it, so no figure is computed twice. Without JavaScript the
// form's "See my quote" button does the same with a page load.
(function () {
  var form = document.getElementById('quote-form');
  var box = document.getElementById('quote');
  if (!form || !box || !window.fetch) return;
  var apply = document.getElementById('apply-form');
  var error = box.querySelector('[data-quote-error]');
  var seq = 0;
  var timer;

  function show(data) {
    Object.keys(data.display).forEach(function (key) {
      var el = box.querySelector('[data-quote="' + key + '"]');
      if (el) el.textContent = (key === 'fee' ? '− ' : '') + data.display[key];
    });
    if (apply) {
      apply.elements.money.value = data.money;
      apply.elements.time.value = data.time;
      apply.querySelector('button').disabled = false;
    }
    error.hidden = true;
    facts(false);
  }

  // Stale figures must not stand next to an error.
  function facts(hide) {
    var list = box.querySelector('.facts');
    if (list) list.hidden = hide;
  }

  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    var mine = ++seq;
    fetch('/Loan/quote?' + params.toString(), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.json(); })
      .then(function (body) {
        if (mine !== seq) return;
        if (body.status === 200) return show(body.data);
        error.textContent = body.message;
        error.hidden = false;
        facts(true);
        if (apply) apply.querySelector('button').disabled = true;
      })
      // Offline or failed: show the form's own "See my quote" button again (a page load prices it).
      .catch(function () { document.documentElement.classList.remove('js'); });
  }

  form.addEventListener('input', function () {
    // Until the new quote is back, "apply" would send the old figures: it waits too.
    if (apply) apply.querySelector('button').disabled = true;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  document.documentElement.classList.add('js');
})();
