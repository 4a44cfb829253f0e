// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Styles that hide what only script can reveal apply once script runs.
  document.documentElement.classList.add("js");

  // The menu button shows and hides the navigation on narrow screens.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var toggle = document.querySelector("[data-menu-toggle][aria-expanded='true']");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", "false");
    document.getElementById(toggle.getAttribute("aria-controls")).classList.remove("is-open");
    toggle.focus();
  });

  // Buttons with data-confirm ask before submitting (deletions and other one-way actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  // On first setup, the time zone starts at the browser's own rather than UTC.
  document.querySelectorAll("form[data-suggest-timezone] select[name=timezone]").forEach(function (select) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (select.value !== "UTC" || !zone) return;
    if (Array.prototype.some.call(select.options, function (option) { return option.value === zone; })) {
      select.value = zone;
    }
  });

  // A select marked data-commit saves when its choice is committed, by sending a
  // "commit" event (its form listens with hx-trigger="commit from:find select"). A
  // choice picked with the pointer, or set by a script, commits at once. Arrow keys and
  // type-ahead on a closed select change its value (and fire "change") at every press,
  // so after them the choice commits only on Enter or when focus leaves the select;
  // Escape puts back the saved choice.
  var BROWSE_KEY = /^(Arrow(Up|Down|Left|Right)|Home|End|PageUp|PageDown|\S)$/u;

  function commitSelect(event) {
    var target = event.target;
    return target instanceof HTMLSelectElement && target.hasAttribute("data-commit") ? target : null;
  }

  function savedChoice(select) {
    if (select.dataset.saved !== undefined) return select.dataset.saved;
    var initial = Array.prototype.find.call(select.options, function (option) {
      return option.defaultSelected;
    });
    return (initial || select.options[0] || { value: "" }).value;
  }

  function commit(select) {
    select.removeAttribute("data-browsing");
    if (select.value === savedChoice(select)) return;
    select.dataset.saved = select.value;
    select.dispatchEvent(new Event("commit", { bubbles: true }));
  }

  document.addEventListener("keydown", function (event) {
    var select = commitSelect(event);
    if (!select) return;
    var browsing = select.hasAttribute("data-browsing");
    if (event.key === "Enter" && browsing) {
      event.preventDefault();
      commit(select);
    } else if (event.key === "Escape" && browsing) {
      select.value = savedChoice(select);
      select.removeAttribute("data-browsing");
    } else if (BROWSE_KEY.test(event.key) && !event.altKey && !event.ctrlKey && !event.metaKey) {
      select.setAttribute("data-browsing", "");
    }
  });

  document.addEventListener("change", function (event) {
    var select = commitSelect(event);
    if (select && !select.hasAttribute("data-browsing")) commit(select);
  });

  document.addEventListener("focusout", function (event) {
    var select = commitSelect(event);
    if (select && select.hasAttribute("data-browsing")) commit(select);
  });

  // After an htmx swap, keep keyboard focus on the element the server marked.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target && event.detail.target.querySelector("[data-autofocus]");
    if (target) target.focus();
  });

  // A table wider than the screen scrolls inside its wrapper; a keyboard can scroll it
  // only if the wrapper takes focus, so a wrapper that scrolls becomes a labelled,
  // focusable region, and stops being one when the screen is wide enough again.
  // Named by its caption, or else by the last heading before it.
  function tableName(wrap) {
    var named = wrap.querySelector("caption");
    if (!named) {
      document.querySelectorAll("h1, h2, h3").forEach(function (heading) {
        if (heading.compareDocumentPosition(wrap) & Node.DOCUMENT_POSITION_FOLLOWING) named = heading;
      });
    }
    return ((named && named.textContent) || "Table").trim();
  }
  function markScrollingTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", tableName(wrap));
      } else if (wrap.hasAttribute("tabindex")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);
  document.addEventListener("htmx:afterSettle", markScrollingTables);
  // A closed <details> opens with a table inside it whose width is only known then.
  document.addEventListener("toggle", markScrollingTables, true);

  // Elements with data-copy copy their value to the clipboard (e.g. calendar feed URL).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.value || source.textContent);
      button.textContent = "Copied";
    }
  });
})();
