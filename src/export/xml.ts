/**
 * XML 1.0 text for GraphML and GEXF: escaping for element text and attribute values, and the
 * removal of characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE/U+FFFF, lone
 * surrogates) — those become U+FFFD, so a reader sees that something was there.
 */

// Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const FORBIDDEN_SOURCE =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const FORBIDDEN = new RegExp(FORBIDDEN_SOURCE);
const FORBIDDEN_ALL = new RegExp(FORBIDDEN_SOURCE, 'g');

/** The text with every character XML 1.0 forbids replaced by U+FFFD. */
export function xmlChars(text: string): string {
  return FORBIDDEN.test(text) ? text.replace(FORBIDDEN_ALL, '\uFFFD') : text;
}

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_ALL = /[&<>\r]/g;
// Tab, LF and CR in an attribute would be normalised to spaces by every parser: write them as references.
const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ATTR_SPECIAL_ALL = /[&<>"\t\n\r]/g;

const REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const reference = (char: string): string => REFERENCES[char] ?? char;

/** Element content. CR is written as a reference so that a reader's line-end normalisation keeps it. */
export function xmlText(text: string): string {
  const safe = xmlChars(text);
  return TEXT_SPECIAL.test(safe) ? safe.replace(TEXT_SPECIAL_ALL, reference) : safe;
}

/** A double-quoted attribute value. */
export function xmlAttr(text: string): string {
  const safe = xmlChars(text);
  return ATTR_SPECIAL.test(safe) ? safe.replace(ATTR_SPECIAL_ALL, reference) : safe;
}

// Ids that are already NMTOKENs of plain ASCII go out unchanged; `_` is the escape character.
const PLAIN_TOKEN = /^[A-Za-z0-9.:-]+$/;
const PLAIN_CHAR = /^[A-Za-z0-9.:-]$/;

/**
 * An id as an XML NMTOKEN (GraphML requires one for node, edge and key ids; GEXF gets the same, so
 * both files name a node alike). Ids such as `e12` or `m3-7` are unchanged; any other character,
 * `_` included, becomes `_<hex code point>_` (a lone surrogate by its code unit), so the mapping is
 * exact and reversible (`decodeXmlToken`) and two ids never collide. The empty id becomes `_`.
 */
export function xmlToken(id: string): string {
  if (PLAIN_TOKEN.test(id)) return id;
  if (id === '') return '_';
  let token = '';
  for (const char of id) token += PLAIN_CHAR.test(char) ? char : `_${(char.codePointAt(0) as number).toString(16)}_`;
  return token;
}

export function decodeXmlToken(token: string): string {
  if (token === '_') return '';
  return token.replace(/_([0-9a-f]+)_/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}
