// sayso dashboard: the your sites view's wiring, called by app.js after it renders the view.
"use strict";
(window.saysoViews ||= {}).sites = (main, app) => {};
