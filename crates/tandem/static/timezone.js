// Tandem: when no time zone is saved, preselect the browser's own in every
// time-zone picker. Only an enhancement: the picker works without it.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var pickers = document.querySelectorAll("select[data-guess-zone]");
  for (var i = 0; i < pickers.length; i++) {
    var select = pickers[i];
    if (select.value !== "") continue;
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].value === zone) {
        select.value = zone;
        break;
      }
    }
  }
})();
