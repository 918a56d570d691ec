// sayso dashboard: the settings view's wiring, called by app.js after it renders the view.
"use strict";
(window.saysoViews ||= {}).settings = (main, app) => {};
