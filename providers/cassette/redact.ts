/**
 * Redaction of what a cassette keeps. Two layers, so that a secret is caught even where nobody
 * said it would be:
 *
 * 1. By name: headers, query parameters and JSON fields whose names say they carry credentials
 *    (`Authorization`, `xi-api-key`, `api_key`, `xi_api_key`, `token`, `secret`, cookies …) get
 *    the value `[REDACTED]`, and their values are learnt as secrets.
 * 2. By value: every known secret (the keys the recorder was given, and those learnt in layer 1)
 *    is scrubbed wherever it appears: in any text, URL, header, JSON string, and in binary data.
 *
 * @module
 */

/** What a redacted value reads as. */
export const REDACTED = '[REDACTED]';

/** Names of headers, query parameters and JSON fields that carry credentials. */
const SECRET_NAME =
  /authori[sz]ation|api[-_]?key|(^|[-_])(auth[-_]?|access[-_]?|id[-_]?|refresh[-_]?|session[-_]?)?token($|[-_])|secret|passw(or)?d|cookie|signature|^key$|^sig$/i;

/** Learnt values shorter than this are not scrubbed as text (they would match ordinary words). */
const MIN_LEARNT = 8;
/** Given secrets shorter than this are not scrubbed as text. */
const MIN_GIVEN = 4;

/** Whether a header, parameter or field name says its value is a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Redacts by name and by value; see the module documentation. */
export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: readonly string[] = []) {
    for (const secret of secrets) if (secret.length >= MIN_GIVEN) this.#secrets.add(secret);
  }

  /** The secrets known so far, longest first (so a secret inside another is not scrubbed first). */
  get secrets(): readonly string[] {
    return [...this.#secrets].sort((a, b) => b.length - a.length);
  }

  /** Learns the values of credential headers (and the token after a scheme such as `Bearer`). */
  learnHeaders(headers: Readonly<Record<string, string>>): void {
    for (const [name, value] of Object.entries(headers)) if (isSecretName(name)) this.#learn(value);
  }

  /** Learns the values of credential query parameters. */
  learnUrl(url: string): void {
    for (const [name, value] of searchParams(url)) if (isSecretName(name)) this.#learn(value);
  }

  /** Learns the values of credential fields anywhere in a JSON value. */
  learnJson(value: unknown): void {
    walk(value, (name, field) => {
      if (isSecretName(name) && typeof field === 'string') this.#learn(field);
    });
  }

  /** Headers with credential values replaced and secrets scrubbed. Names are lower-cased. */
  headers(headers: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), isSecretName(name) ? REDACTED : this.text(value)]));
  }

  /** A URL with credential query parameters (and userinfo) replaced and secrets scrubbed. */
  url(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.text(url);
    }
    if (parsed.username) parsed.username = 'REDACTED';
    if (parsed.password) parsed.password = 'REDACTED';
    for (const name of [...parsed.searchParams.keys()]) if (isSecretName(name)) parsed.searchParams.set(name, REDACTED);
    return this.text(parsed.toString());
  }

  /** A JSON value with credential fields replaced and secrets scrubbed from every string. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([name, field]) => [this.text(name), isSecretName(name) ? REDACTED : this.json(field)]));
    }
    return value;
  }

  /**
   * A frame or body we sent, as text: when it is a JSON object or array, its credential fields
   * are replaced (ElevenLabs' `xi_api_key` in the first message); then secrets are scrubbed.
   */
  sentText(text: string): string {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        const value: unknown = JSON.parse(text);
        let named = false;
        walk(value, (name) => {
          named ||= isSecretName(name);
        });
        if (named) return JSON.stringify(this.json(value));
      } catch {
        // Not JSON: scrubbed as text below.
      }
    }
    return this.text(text);
  }

  /** `text` with every known secret replaced. */
  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** `bytes` with every known secret (as UTF-8) overwritten by asterisks; the same array when none occurs. */
  bytes(bytes: Uint8Array): Uint8Array {
    let out = bytes;
    for (const secret of this.secrets) {
      const needle = Buffer.from(secret, 'utf8');
      let buffer = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      let at = buffer.indexOf(needle);
      if (at < 0) continue;
      if (out === bytes) {
        out = Uint8Array.from(bytes);
        buffer = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
      for (; at >= 0; at = buffer.indexOf(needle, at + needle.length)) buffer.fill(0x2a, at, at + needle.length);
    }
    return out;
  }

  #learn(value: string): void {
    const candidates = [value, ...value.split(/\s+/).slice(1)];
    for (const candidate of candidates) if (candidate.length >= MIN_LEARNT) this.#secrets.add(candidate);
  }
}

/** The query parameters of a URL (none when it does not parse). */
function searchParams(url: string): [string, string][] {
  try {
    return [...new URL(url).searchParams];
  } catch {
    return [];
  }
}

/** Calls `visit` with every field name and value in a JSON value, at any depth. */
function walk(value: unknown, visit: (name: string, field: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, field] of Object.entries(value)) {
      visit(name, field);
      walk(field, visit);
    }
  }
}
