// The API docs page (templates/api_docs.html): Swagger UI, from the vendored bundle, on the app's own schema.
// A file of its own, not an inline script, so the page needs no CSP exception for scripts.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    // Nothing leaves the app: no validator badge calling an outside service.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
  });
})();
