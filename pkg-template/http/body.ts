// Reading a body with a byte cap, for every part that reads HTTP: the edge (the request, the
// cluster's answer, the JWKS), the grant session (the grant set, the key set), the issuer. A
// declared `content-length` over the cap is refused before a byte is read; otherwise the stream
// is read until the cap and cancelled there, so a body that never ends costs at most the cap.

/** A body as a stream (the platform's `ReadableStream<Uint8Array>` fits). */
export interface BodyStream {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>; cancel(reason?: unknown): Promise<void> };
}

/** The part of a Request or Response the reader needs. */
export interface BodySource {
  readonly headers: { get(name: string): string | null };
  readonly body: BodyStream | null;
}

/** Thrown when the body is over the cap. */
export class TooLarge extends Error {}

/** The body as UTF-8 text; TooLarge over `maxBytes`; a TypeError for bytes that are not UTF-8. */
export async function readText(source: BodySource, maxBytes: number): Promise<string> {
  const declared = Number(source.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) throw new TooLarge(`the body is ${declared} bytes, over the bound of ${maxBytes}`);
  if (source.body === null) return "";
  const reader = source.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value === undefined) continue;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new TooLarge(`the body is over the bound of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
