import sanitizeHtml from 'sanitize-html';

/**
 * Alert bodies are HTML from admins, shown on every employee's screen: keep formatting, links with safe schemes
 * and images; drop scripts, event handlers, styles and everything else. Clients sanitise again at render time.
 */
export function sanitizeAlertBody(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'a', 'img', 'h3', 'h4', 'blockquote', 'code'],
    allowedAttributes: { a: ['href', 'title', 'target', 'rel'], img: ['src', 'alt', 'width', 'height'] },
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesByTag: { img: ['https', 'data'] },
    allowProtocolRelative: false,
    transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }) },
  });
}
