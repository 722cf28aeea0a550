// The progress of an inventory import, read every two seconds while a worker imports it; the page is
// reloaded when it ends (its result and errors are rendered by the server).
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress][data-poll]");
  if (!box) return;
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (run) {
        box.querySelector("[data-status]").textContent = run.status_label;
        box.querySelector("[data-rows-done]").textContent = run.rows_done;
        box.querySelector("[data-rows-total]").textContent = run.rows_total;
        var bar = box.querySelector("progress");
        bar.value = run.percent;
        bar.textContent = run.percent + " %";
        if (run.finished) window.location.reload();
        else window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
