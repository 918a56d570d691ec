// sayso dashboard: the inbox view's wiring, called by app.js after it renders the view.
"use strict";
(window.saysoViews ||= {}).inbox = (main, app) => {};
