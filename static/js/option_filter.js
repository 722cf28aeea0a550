// A select with data-filters="<id of another select>" keeps, in that other select, only the options whose
// data-programmes lists the chosen value (options without data-programmes always stay). The server checks
// the pair again: without JavaScript every option is offered.
(function () {
  "use strict";
  function apply(source) {
    var target = document.getElementById("id_" + source.dataset.filters);
    if (!target) return;
    var chosen = source.value;
    Array.prototype.forEach.call(target.options, function (option) {
      if (option.dataset.programmes === undefined) return;
      var keep = !chosen || option.dataset.programmes.split(" ").indexOf(chosen) !== -1;
      option.hidden = !keep;
      option.disabled = !keep;
      if (!keep && option.selected) target.value = "";
    });
  }
  document.querySelectorAll("select[data-filters]").forEach(function (source) {
    source.addEventListener("change", function () { apply(source); });
    apply(source);
  });
})();
