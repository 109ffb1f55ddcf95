// Reading a body with a byte cap: the request's, the cluster's answer, the JWKS. A declared
// `content-length` over the cap is refused before a byte is read; otherwise the stream is read
// until the cap and cancelled there, so a body that never ends costs at most the cap.

/** The part of a Request or Response the reader needs. */
export interface BodySource {
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
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
