/** The header of a WAV file: what Asterisk's format_wav checks before it plays a `.wav`. */
export interface WavInfo {
  /** 1 = PCM. */
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Size of the audio (the data chunk), in bytes. */
  dataBytes: number;
}

/** The header, or a sentence saying why this is not a WAV file. */
export function readWavInfo(bytes: Buffer): WavInfo | string {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') return 'not a RIFF/WAVE file';
  let fmt: Omit<WavInfo, 'dataBytes'> | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= bytes.length) {
      fmt = {
        format: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        bitsPerSample: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) return 'the data chunk comes before the fmt chunk';
      return { ...fmt, dataBytes: Math.min(size, bytes.length - body) };
    }
    // Chunks are padded to an even size.
    offset = body + size + (size % 2);
  }
  return fmt ? 'no data chunk' : 'no fmt chunk';
}

/** Asterisk plays a `.wav` only as 16-bit signed PCM, mono, 8000 Hz (`.wav16`: 16000 Hz). */
export function asteriskWavProblem(info: WavInfo, sampleRate = 8000): string | undefined {
  const problems = [
    info.format !== 1 ? `encoding ${info.format} instead of PCM (1)` : '',
    info.channels !== 1 ? `${info.channels} channels instead of mono` : '',
    info.sampleRate !== sampleRate ? `${info.sampleRate} Hz instead of ${sampleRate} Hz` : '',
    info.bitsPerSample !== 16 ? `${info.bitsPerSample}-bit instead of 16-bit` : '',
    info.dataBytes === 0 ? 'no audio' : '',
  ].filter((p) => p !== '');
  return problems.length > 0 ? problems.join(', ') : undefined;
}
