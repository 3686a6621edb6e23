// Packages that ship no types of their own (or the wrong shape for ESM imports).

declare module 'heic-decode' {
  function decode(input: { buffer: Buffer | ArrayBuffer }): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  export default decode;
}

declare module 'sharp-phash' {
  // CommonJS `module.exports = phash`: an ESM default import is the function itself.
  function phash(image: Buffer | string): Promise<string>;
  export default phash;
}

declare module 'sharp-phash/distance.js' {
  /** How many of two 64-bit perceptual hashes' bits differ. */
  function distance(a: string, b: string): number;
  export default distance;
}
