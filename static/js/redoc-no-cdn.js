// Redoc's bundle always shows its maker's logo, fetched from their CDN. The tracker loads
// nothing from outside (and its Content-Security-Policy would block and report the request),
// so that one image is given an empty picture before the browser would fetch it.
(function () {
  "use strict";
  var cdnLogo = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  var blank = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, value === cdnLogo ? blank : value);
    },
  });
})();
