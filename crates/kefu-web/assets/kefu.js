// The workbench's own script: the live event stream (screen pop), the
// countdown of due times, move dialogs, errors of htmx requests, and the
// keyboard. No inline script anywhere: the Content-Security-Policy allows
// only files served by kefu.
(function () {
  'use strict';
  var body = document.body;
  var words = body.dataset;

  // Live events. EventSource reconnects by itself after a network error;
  // data-events tells the page (and its tests) whether it is listening.
  function listen() {
    if (!window.EventSource) return;
    var source = new EventSource('/events');
    source.onopen = function () { body.dataset.events = 'open'; };
    source.onerror = function () {
      body.dataset.events = source.readyState === EventSource.CLOSED ? 'closed' : 'connecting';
      if (source.readyState === EventSource.CLOSED) {
        // The server refused (e.g. the session ended): try again later.
        setTimeout(listen, 5000);
      }
    };
    source.addEventListener('pop', function (e) {
      var data = JSON.parse(e.data);
      htmx.ajax('GET', '/calls/' + encodeURIComponent(data.call) + '/card',
        { target: '#pop', swap: 'innerHTML' });
    });
    source.addEventListener('notice', function (e) {
      var data = JSON.parse(e.data);
      document.querySelectorAll('[data-testid="unread-count"]').forEach(function (el) {
        el.textContent = String(data.unread);
        el.classList.toggle('zero', data.unread === 0);
      });
    });
  }
  if (document.querySelector('meta[name="csrf-token"]')) listen();

  // Due times count down every second: "2 h 05 m left" or "12 m late".
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d > 0) return d + words.wD + ' ' + h + words.wH;
    if (h > 0) return h + words.wH + ' ' + String(m).padStart(2, '0') + words.wM;
    return m + words.wM + ' ' + String(sec).padStart(2, '0') + words.wS;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time[data-due]').forEach(function (el) {
      var left = Number(el.dataset.due) - now;
      el.textContent = left >= 0 ? words.wLeft + ' ' + span(left) : words.wLate + ' ' + span(left);
      el.classList.toggle('late', left < 0);
      el.classList.toggle('soon', left >= 0 && left < 3600 * 1000);
    });
  }
  tick();
  setInterval(tick, 1000);
  body.addEventListener('htmx:afterSettle', tick);

  // Dialogs: a button with data-open opens one; data-close closes it; Esc
  // closes it (the browser's own), or the screen pop when no dialog is open.
  document.addEventListener('click', function (e) {
    var opener = e.target.closest('[data-open]');
    if (opener) {
      var dialog = document.getElementById(opener.dataset.open);
      if (dialog) {
        var err = dialog.querySelector('[data-testid="move-error"]');
        if (err) err.textContent = '';
        dialog.showModal();
      }
      return;
    }
    if (e.target.closest('[data-close]')) {
      var open = e.target.closest('dialog');
      if (open) open.close();
      return;
    }
    if (e.target.closest('[data-close-pop]')) {
      document.getElementById('pop').innerHTML = '';
    }
  });

  // A refused request shows its reason where it was made (the dialog's
  // error line) instead of being dropped.
  body.addEventListener('htmx:beforeSwap', function (e) {
    var status = e.detail.xhr.status;
    if (status >= 400 && status < 500 && status !== 401) {
      var form = e.detail.elt.closest('form') || e.detail.elt;
      var box = form.querySelector('[data-testid="move-error"], .field-error');
      if (box) {
        e.detail.shouldSwap = true;
        e.detail.isError = false;
        e.detail.target = box;
        e.detail.swapOverride = 'innerHTML';
      }
    }
  });

  // Keyboard: "/" to search, "n" for a new order, Esc to close the pop.
  document.addEventListener('keydown', function (e) {
    var typing = e.target.closest('input, textarea, select, [contenteditable]');
    if (e.key === 'Escape' && !document.querySelector('dialog[open]')) {
      var pop = document.getElementById('pop');
      if (pop) pop.innerHTML = '';
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '/') {
      var q = document.querySelector('[data-testid="search"]');
      if (q) { e.preventDefault(); q.focus(); q.select(); }
    } else if (e.key === 'n') {
      e.preventDefault();
      window.location.href = '/tickets/new';
    }
  });
})();
