/**
 * Second sanitising pass, at render time (the composer already sanitised the body with sanitize-html). The body is
 * parsed into an inert document and copied element by element into fresh nodes: only allow-listed tags, only
 * allow-listed attributes, only safe URL schemes. Nothing from the parsed tree is adopted and no HTML string is
 * ever assigned to innerHTML, so parser differentials (mXSS) have nothing to act on.
 */
const ALLOWED_TAGS = new Set(['P', 'BR', 'B', 'STRONG', 'I', 'EM', 'U', 'S', 'UL', 'OL', 'LI', 'A', 'IMG', 'H3', 'H4', 'BLOCKQUOTE', 'CODE', 'PRE', 'SPAN', 'DIV']);
/** Dropped with everything inside them: their text is code or markup, not content. */
const DROPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'NOSCRIPT', 'NOEMBED', 'NOFRAMES', 'XMP', 'SVG', 'MATH', 'TEXTAREA', 'SELECT', 'OPTION', 'TITLE', 'HEAD', 'META', 'LINK', 'BASE', 'FORM', 'INPUT', 'BUTTON', 'AUDIO', 'VIDEO', 'SOURCE', 'CANVAS', 'APPLET', 'PARAM', 'PLAINTEXT']);
const LINK_SCHEMES = /^(https?:|mailto:)/i;
const IMAGE_SCHEMES = /^(https:|data:image\/(png|gif|jpeg|webp);base64,)/i;

/** Strips whitespace and control characters browsers ignore inside a URL scheme ("java\tscript:" is javascript:). */
function normalisedUrl(value: string): string {
  return value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '');
}

/** The URL when its scheme (as the browser would read it) is allowed; relative and scheme-less URLs are refused too. */
function safeUrl(value: string, allowed: RegExp): string | undefined {
  return allowed.test(normalisedUrl(value)) ? value.trim() : undefined;
}

function copy(source: Node, target: Node, doc: Document, depth: number): void {
  if (depth > 64) return; // absurd nesting is an attack on the renderer, not an alert
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      target.appendChild(doc.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions, CDATA
    const el = child as Element;
    const tag = el.tagName.toUpperCase();
    if (DROPPED_TAGS.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
    if (!ALLOWED_TAGS.has(tag)) {
      copy(el, target, doc, depth + 1); // unknown wrapper: keep its (sanitised) content
      continue;
    }
    const out = doc.createElement(tag.toLowerCase());
    if (tag === 'A') {
      const href = safeUrl(el.getAttribute('href') ?? '', LINK_SCHEMES);
      if (href) out.setAttribute('href', href);
      const title = el.getAttribute('title');
      if (title) out.setAttribute('title', title);
      out.setAttribute('target', '_blank');
      out.setAttribute('rel', 'noopener noreferrer');
    } else if (tag === 'IMG') {
      const src = safeUrl(el.getAttribute('src') ?? '', IMAGE_SCHEMES);
      if (!src) continue;
      out.setAttribute('src', src);
      out.setAttribute('alt', el.getAttribute('alt') ?? '');
      out.setAttribute('referrerpolicy', 'no-referrer');
      for (const dim of ['width', 'height']) {
        const v = el.getAttribute(dim);
        if (v && /^\d{1,4}$/.test(v)) out.setAttribute(dim, v);
      }
    }
    copy(el, out, doc, depth + 1);
    target.appendChild(out);
  }
}

/** A fragment holding the safe rendering of `html`. */
export function sanitize(html: string, doc: Document = document): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const fragment = doc.createDocumentFragment();
  copy(parsed.body, fragment, doc, 0);
  return fragment;
}

/** The body as plain text (ticker lines, native notifications). */
export function plainText(html: string): string {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  parsed.querySelectorAll('script,style,template').forEach((n) => n.remove());
  return (parsed.body.textContent ?? '').replace(/\s+/g, ' ').trim();
}
