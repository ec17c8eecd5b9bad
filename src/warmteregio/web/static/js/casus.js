// Keep each weight's slider and number field in step (the form also works without this script: the server
// takes whichever of the two the visitor changed).
(function () {
  "use strict";
  function sync(event) {
    var source = event.target;
    var id = source.getAttribute && source.getAttribute("data-koppel");
    if (!id) {
      return;
    }
    var other = document.getElementById(id);
    if (other && other.value !== source.value) {
      other.value = source.value;
    }
  }
  document.addEventListener("input", sync);
})();
