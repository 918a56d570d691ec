// sayso dashboard: the operations view's wiring, called by app.js after it renders the view.
"use strict";
(window.saysoViews ||= {}).operations = (main, app) => {};
