// Progressive enhancement for the proof form: each screenshot is sent first to
// Info/ajaxUpload with a progress bar, then the form is sent with the stored
// paths instead of the files. Without JavaScript the form sends the files
// itself and the server stores them the same way.
(function () {
  var form = document.getElementById('proof-form');
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var bar = document.getElementById('proof-progress');
  var error = document.getElementById('proof-error');
  // After a reload that followed a proof sent by script: the same note a plain form post gets.
  var done = window.sessionStorage && sessionStorage.getItem('cuota-proof-sent');
  if (done) {
    sessionStorage.removeItem('cuota-proof-sent');
    var note = document.createElement('p');
    note.className = 'flash';
    note.setAttribute('role', 'status');
    note.textContent = done;
    document.querySelector('main').insertBefore(note, document.querySelector('main').firstChild);
  }

  function upload(file) {
    return new Promise(function (resolve, reject) {
      var data = new FormData();
      data.append('fileName', 'file');
      data.append('file', file);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/Info/ajaxUpload');
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (body.status === 1) resolve(body.info);
        else reject(new Error(body.info || body.message || xhr.statusText));
      };
      xhr.onerror = function () { reject(new Error(xhr.statusText || 'network')); };
      xhr.send(data);
    });
  }

  // The form itself is sent as JSON-answered XHR too, so a refusal (a tracking
  // key already used, a repaid loan) shows as an error and keeps what was typed
  // and chosen; success reloads the page, which shows the proof in review.
  function send() {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (body.status === 1) resolve();
        else reject(new Error(body.info || body.message || xhr.statusText));
      };
      xhr.onerror = function () { reject(new Error(xhr.statusText || 'network')); };
      xhr.send(new FormData(form));
    });
  }

  form.addEventListener('submit', function (event) {
    var inputs = Array.prototype.filter.call(form.querySelectorAll('input[type=file]'), function (i) {
      return i.files && i.files.length;
    });
    event.preventDefault();
    error.hidden = true;
    bar.hidden = !inputs.length;
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    var added = [];
    inputs.reduce(function (chain, input) {
      return chain.then(function () {
        bar.value = 0;
        return upload(input.files[0]).then(function (path) {
          var hidden = document.createElement('input');
          hidden.type = 'hidden';
          hidden.name = input.name;
          hidden.value = path;
          input.disabled = true;
          form.appendChild(hidden);
          added.push(hidden);
        });
      });
    }, Promise.resolve()).then(send).then(function () {
      if (window.sessionStorage) sessionStorage.setItem('cuota-proof-sent', form.getAttribute('data-done'));
      window.location.reload();
    }, function (err) {
      // Put the form back as the borrower left it: the files stay chosen.
      added.forEach(function (h) { h.remove(); });
      inputs.forEach(function (i) { i.disabled = false; });
      error.textContent = err.message;
      error.hidden = false;
      bar.hidden = true;
      button.disabled = false;
      error.scrollIntoView({ block: 'center' });
    });
  });
})();
