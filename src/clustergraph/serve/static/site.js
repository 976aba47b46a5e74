// Marks the page as scripted (<html class="js">); nothing else depends on it. The pages are
// complete without JavaScript: the browser test checks both.
document.documentElement.className = "js";
