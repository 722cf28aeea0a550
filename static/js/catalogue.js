// The catalogue's filters: folded behind "Filtrer et trier" on phones (the products come first), open on
// wider screens. Without JavaScript the panel is folded and opens with one tap.
(function () {
  var panel = document.getElementById("filters-panel");
  if (panel && window.matchMedia("(min-width: 50rem)").matches) {
    panel.open = true;
  }
})();
