// The query editor: Ctrl+Enter (or Cmd+Enter) runs the query; Tab indents.
// The page works without this script: the form posts as it is.
(function () {
  var text = document.getElementById("query-text");
  var form = document.getElementById("editor");
  if (!text || !form) return;
  text.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      e.preventDefault();
      form.submit();
    } else if (e.key === "Tab" && !e.shiftKey) {
      e.preventDefault();
      var s = text.selectionStart, end = text.selectionEnd;
      text.value = text.value.slice(0, s) + "  " + text.value.slice(end);
      text.selectionStart = text.selectionEnd = s + 2;
    }
  });
})();
