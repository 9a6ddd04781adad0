/**
 * Secrets never reach stdout or stderr. Every secret the connector knows of
 * (config secrets, and every token it is issued while running) is registered
 * here; the output layer passes every non-RECORD message through `redact`.
 */

const REDACTED = '**REDACTED**';
/** Shorter strings would be too likely to appear in ordinary text. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();
let pattern: RegExp | undefined;

export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  if (secrets.has(value)) return;
  secrets.add(value);
  // URL-encoded forms appear in form bodies and query strings.
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
  pattern = undefined;
}

export function redact(text: string): string {
  if (secrets.size === 0) return text;
  if (!pattern) {
    const alternatives = [...secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(alternatives.join('|'), 'g');
  }
  return text.replace(pattern, REDACTED);
}
