// Papers board: drag a card to another stage. The drop sends the same request as the
// card's keyboard buttons, and the board the server sends back replaces this one; a move
// the server refuses puts the card back where it was, with the server's reason.
(function () {
  "use strict";

  function message(text) {
    var box = document.getElementById("board-error");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }

  function refused(drop, xhr) {
    var card = drop.item;
    // oldIndex counted the card itself, so the card that followed it is now at that index.
    drop.from.insertBefore(card, drop.from.children[drop.oldIndex] || null);
    var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
    if (xhr && xhr.status && type.indexOf("text/plain") === 0 && xhr.responseText) {
      message(xhr.responseText);
    } else {
      message("“" + card.dataset.title + "” could not be moved: reload the page and try again.");
    }
    var title = card.querySelector("a");
    if (title) title.focus();
  }

  function moved(drop) {
    var card = drop.item;
    var onError = function (event) {
      card.removeEventListener("htmx:responseError", onError);
      card.removeEventListener("htmx:sendError", onError);
      refused(drop, event.detail.xhr);
    };
    // An error leaves the card in the page (nothing is swapped), so its events still fire.
    card.addEventListener("htmx:responseError", onError);
    card.addEventListener("htmx:sendError", onError);
    message("");
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#draft-board",
      swap: "innerHTML",
      values: { stage: drop.to.dataset.stage },
    });
  }

  function enable(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-board-drag] .board-cards").forEach(function (list) {
      Sortable.create(list, {
        group: "papers",
        sort: false, // a stage has no order of its own: a card only changes stage
        draggable: ".board-card[data-move-url]",
        // Links and buttons keep their clicks; the rest of the card is the handle.
        filter: "a, button",
        preventOnFilter: false,
        // On a touch screen a short press first, so a swipe still scrolls the page.
        delay: 200,
        delayOnTouchOnly: true,
        ghostClass: "board-card-ghost",
        chosenClass: "board-card-chosen",
        onEnd: function (drop) {
          if (drop.to !== drop.from) moved(drop);
        },
      });
    });
  }

  htmx.onLoad(enable);
})();
