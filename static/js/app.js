// The only script every page loads (no inline scripts, so a strict Content Security Policy holds).
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();
