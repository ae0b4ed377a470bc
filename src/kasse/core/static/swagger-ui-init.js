// Swagger UI starts from this file, not from an inline script, so that the page's
// Content-Security-Policy can forbid inline scripts altogether.
"use strict";
window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  // no badge fetched from the public validator: the page calls nobody but this server
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
