/**
 * The picture format of an H.264 track as ffprobe reports it, from the decoder configuration (`avcC`) of an
 * MP4/MOV sample description: its one sequence parameter set read whole (VUI included, up to its stop bit),
 * its picture parameter sets checked to refer to it. Strict like the movie reader that calls it: anything
 * other than 8-bit 4:2:0 in Baseline, Main or High, any field ffmpeg's decoder refuses, clips or mends, a left
 * or top crop, and any reserved colour value throw, and the caller asks ffprobe.
 */

export class AvcUnsupported extends Error {}

function unsupported(why: string): never {
  throw new AvcUnsupported(why);
}

export interface AvcPicture {
  /** ffprobe's profile name. */
  profile: 'Baseline' | 'Constrained Baseline' | 'Main' | 'High';
  /** The size after cropping, as the decoder gives it. */
  width: number;
  height: number;
  /** Colour range and transfer when the parameter set signals them (the container's `colr` may fill them otherwise). */
  fullRange: boolean | undefined;
  transfer: number | undefined;
  primaries: number | undefined;
  matrix: number | undefined;
  /**
   * The pixel shape the parameter set signals, as ffmpeg's decoder keeps it (a table entry or an extended
   * num:den it accepts); undefined when it signals none or one the decoder drops.
   */
  sampleAspect: { num: number; den: number } | undefined;
  /** The parameter sets as stored (without emulation prevention removed), to compare with any in the samples. */
  parameterSets: Uint8Array[];
  /** Bytes of each NAL unit's length in the samples. */
  lengthSize: number;
  /** The ids of the picture parameter sets. */
  ppsIds: number[];
}

/** ffmpeg's names of the transfer characteristics it knows (2 = unspecified, omitted by ffprobe). */
export const TRANSFER_NAMES: Record<number, string> = {
  1: 'bt709', 4: 'bt470m', 5: 'bt470bg', 6: 'smpte170m', 7: 'smpte240m', 8: 'linear', 9: 'log100', 10: 'log316',
  11: 'iec61966-2-4', 12: 'bt1361e', 13: 'iec61966-2-1', 14: 'bt2020-10', 15: 'bt2020-12', 16: 'smpte2084', 17: 'smpte428', 18: 'arib-std-b67',
};
const KNOWN_PRIMARIES = new Set([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 22]);
/** Matrices other than RGB (0) and YCgCo (8), which change what the decoder outputs for some formats. */
const KNOWN_MATRICES = new Set([1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]);
/** H.264's aspect_ratio_idc table (Table E-1), as ffmpeg's decoder reads it; 0 says nothing. */
const PIXEL_ASPECTS: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 1], [12, 11], [10, 11], [16, 11], [40, 33], [24, 11], [20, 11], [32, 11], [80, 33], [18, 11], [15, 11], [64, 33], [160, 99], [4, 3], [3, 2], [2, 1],
];
const EXTENDED_SAR = 255;
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** The payload of a NAL unit without its emulation prevention bytes (00 00 03). */
function rbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

class Bits {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  bit(): number {
    if (this.at >= this.bytes.length * 8) unsupported('a parameter set cut short');
    const value = (this.bytes[this.at >> 3]! >> (7 - (this.at & 7))) & 1;
    this.at++;
    return value;
  }
  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.bit();
    return value;
  }
  /** ue(v), at most 31 leading zeros as ffmpeg's long reader takes. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) unsupported('an Exp-Golomb code too long');
    return 2 ** zeros - 1 + this.bits(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
  /** Whether syntax elements remain before the stop bit (H.264's more_rbsp_data). */
  moreData(): boolean {
    let last = this.bytes.length - 1;
    while (last >= 0 && this.bytes[last] === 0) last--;
    if (last < 0) return false;
    const byte = this.bytes[last]!;
    let stop = last * 8 + 7;
    for (let b = 0; (byte >> b & 1) === 0; b++) stop--;
    return this.at < stop;
  }
  /** The stop bit and zero bits to the end: anything else means a field was misread. */
  trailing(): void {
    if (this.bit() !== 1) unsupported('no stop bit where the parameter set should end');
    while (this.at % 8 !== 0) if (this.bit() !== 0) unsupported('bits after the stop bit');
    for (let i = this.at >> 3; i < this.bytes.length; i++) if (this.bytes[i] !== 0) unsupported('bytes after the parameter set');
  }
}

function skipScalingList(bits: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = bits.se();
      if (delta < -128 || delta > 127) unsupported('a scaling list delta out of range');
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

function skipHrd(bits: Bits): void {
  const count = bits.ue() + 1;
  if (count > 32) unsupported('too many HRD buffers');
  bits.bits(8);
  for (let i = 0; i < count; i++) {
    if (bits.ue() > 0xfffffffe || bits.ue() > 0xfffffffe) unsupported('an HRD value out of range');
    bits.bit();
  }
  bits.bits(20);
}

interface Sps {
  id: number;
  profile: AvcPicture['profile'];
  profileIdc: number;
  width: number;
  height: number;
  fullRange: boolean | undefined;
  transfer: number | undefined;
  primaries: number | undefined;
  matrix: number | undefined;
  sampleAspect: { num: number; den: number } | undefined;
}

/**
 * The pixel shape ffmpeg's decoder gives a picture of `width`x`height` (av_image_check_sar), undefined for the
 * table's "unspecified"; an extended one with a zero side (which the decoder turns into num:1 or drops) or one
 * that squeezes a side to nothing is left to ffprobe.
 */
function decodedAspect(num: number, den: number, width: number, height: number): { num: number; den: number } | undefined {
  if (num === 0 && den === 1) return undefined;
  if (num === 0 || den === 0) unsupported('an extended pixel shape with a zero side');
  const squeezed = num < den ? Math.floor((width * num) / den) : Math.floor((height * den) / num);
  if (squeezed <= 0) unsupported('a pixel shape the decoder drops');
  return { num, den };
}

function readSps(nal: Uint8Array): Sps {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7 || (nal[0]! & 0x80) !== 0) unsupported('not a sequence parameter set');
  const bits = new Bits(rbsp(nal.subarray(1)));
  const profileIdc = bits.bits(8);
  const constraints = bits.bits(8);
  bits.bits(8);
  const id = bits.ue();
  if (id >= 32) unsupported('a parameter set id out of range');
  let profile: AvcPicture['profile'];
  if (profileIdc === 66) profile = constraints & 0x40 ? 'Constrained Baseline' : 'Baseline';
  else if (profileIdc === 77) profile = 'Main';
  else if (profileIdc === 100) profile = 'High';
  else return unsupported(`H.264 profile ${profileIdc}`);
  if (HIGH_PROFILES.has(profileIdc)) {
    if (bits.ue() !== 1) unsupported('a chroma format other than 4:2:0');
    if (bits.ue() !== 0 || bits.ue() !== 0) unsupported('a bit depth other than 8');
    if (bits.bit()) unsupported('lossless transform bypass');
    if (bits.bit()) for (let i = 0; i < 8; i++) if (bits.bit()) skipScalingList(bits, i < 6 ? 16 : 64);
  }
  if (bits.ue() > 12) unsupported('log2_max_frame_num out of range');
  const pocType = bits.ue();
  if (pocType === 0) {
    if (bits.ue() > 12) unsupported('log2_max_poc_lsb out of range');
  } else if (pocType === 1) {
    bits.bit();
    bits.se();
    bits.se();
    const cycle = bits.ue();
    if (cycle >= 256) unsupported('a picture order cycle too long');
    for (let i = 0; i < cycle; i++) bits.se();
  } else if (pocType !== 2) {
    unsupported('a picture order count type out of range');
  }
  if (bits.ue() > 14) unsupported('more reference frames than decoders keep');
  bits.bit();
  const mbWidth = bits.ue() + 1;
  const mapHeight = bits.ue() + 1;
  const frameMbsOnly = bits.bit();
  // Pictures that may be coded as fields (a camcorder's 1080i): whether they are interlaced, which a plan needs to
  // know, ffprobe reads from the frames themselves.
  if (!frameMbsOnly) unsupported('field-coded pictures, whose field order only the frames tell');
  const mbHeight = mapHeight;
  bits.bit();
  if (mbWidth > 1024 || mbHeight > 1024) unsupported('a picture too large to read here');
  let width = mbWidth * 16;
  let height = mbHeight * 16;
  if (bits.bit()) {
    const [left, right, top, bottom] = [bits.ue(), bits.ue(), bits.ue(), bits.ue()];
    if (left !== 0 || top !== 0) unsupported('a left or top crop');
    const stepY = 2 * (2 - frameMbsOnly);
    if (right * 2 >= width || bottom * stepY >= height) unsupported('a crop larger than the picture');
    width -= right * 2;
    height -= bottom * stepY;
  }
  let fullRange: boolean | undefined;
  let transfer: number | undefined;
  let primaries: number | undefined;
  let matrix: number | undefined;
  let sampleAspect: Sps['sampleAspect'];
  if (bits.bit()) {
    if (bits.bit()) {
      const aspect = bits.bits(8);
      if (aspect === EXTENDED_SAR) {
        const num = bits.bits(16);
        sampleAspect = decodedAspect(num, bits.bits(16), width, height);
      } else {
        const known = PIXEL_ASPECTS[aspect] ?? unsupported('a reserved aspect ratio');
        sampleAspect = decodedAspect(known[0], known[1], width, height);
      }
    }
    if (bits.bit()) bits.bit();
    if (bits.bit()) {
      bits.bits(3);
      fullRange = bits.bit() === 1;
      if (bits.bit()) {
        primaries = bits.bits(8);
        transfer = bits.bits(8);
        matrix = bits.bits(8);
      }
    }
    if (bits.bit()) {
      if (bits.ue() > 5 || bits.ue() > 5) unsupported('a chroma location out of range');
    }
    if (bits.bit()) {
      bits.bits(32);
      bits.bits(32);
      bits.bit();
    }
    const nalHrd = bits.bit();
    if (nalHrd) skipHrd(bits);
    const vclHrd = bits.bit();
    if (vclHrd) skipHrd(bits);
    if (nalHrd || vclHrd) bits.bit();
    bits.bit();
    if (bits.bit()) {
      bits.bit();
      bits.ue();
      bits.ue();
      bits.ue();
      bits.ue();
      if (bits.ue() > 16 || bits.ue() > 16) unsupported('a reorder or buffer count out of range');
    }
  }
  bits.trailing();
  return { id, profile, profileIdc, width, height, fullRange, transfer, primaries, matrix, sampleAspect };
}

/** A picture parameter set read whole, with the limits ffmpeg's decoder holds it to: its id and its sequence's. */
function readPps(nal: Uint8Array): { id: number; spsId: number } {
  if (nal.length < 2 || (nal[0]! & 0x1f) !== 8 || (nal[0]! & 0x80) !== 0) unsupported('not a picture parameter set');
  const bits = new Bits(rbsp(nal.subarray(1)));
  const id = bits.ue();
  if (id >= 256) unsupported('a picture parameter set id out of range');
  const spsId = bits.ue();
  bits.bit();
  bits.bit();
  if (bits.ue() !== 0) unsupported('slice groups');
  if (bits.ue() > 31 || bits.ue() > 31) unsupported('more reference pictures than H.264 allows');
  bits.bit();
  if (bits.bits(2) === 3) unsupported('a reserved weighted prediction');
  const qp = 26 + bits.se();
  const qs = 26 + bits.se();
  if (qp < 0 || qp > 51 || qs < 0 || qs > 51) unsupported('an initial quantiser out of range');
  const chromaOffset = bits.se();
  if (chromaOffset < -12 || chromaOffset > 12) unsupported('a chroma offset out of range');
  bits.bits(3);
  if (bits.moreData()) {
    const transform8x8 = bits.bit();
    if (bits.bit()) for (let i = 0; i < 6 + 2 * transform8x8; i++) if (bits.bit()) skipScalingList(bits, i < 6 ? 16 : 64);
    const second = bits.se();
    if (second < -12 || second > 12) unsupported('a chroma offset out of range');
  }
  bits.trailing();
  return { id, spsId };
}

/** The picture parameter set a slice NAL unit (coded slice or IDR) names in its header. */
export function slicePpsId(nal: Uint8Array): number {
  const bits = new Bits(rbsp(nal.subarray(1, 64)));
  bits.ue();
  if (bits.ue() > 9) unsupported('a slice type out of range');
  return bits.ue();
}

/** Reads an `avcC` payload: version 1, one sequence parameter set, at least one picture parameter set using it. */
export function readAvcConfig(config: Uint8Array): AvcPicture {
  if (config.length < 7 || config[0] !== 1) unsupported('an avcC other than version 1');
  const lengthSize = (config[4]! & 3) + 1;
  if (lengthSize === 3) unsupported('three-byte NAL lengths');
  let at = 5;
  const take = (): Uint8Array => {
    if (at + 2 > config.length) unsupported('an avcC cut short');
    const length = (config[at]! << 8) | config[at + 1]!;
    if (length === 0 || at + 2 + length > config.length) unsupported('a parameter set runs past the avcC');
    const nal = config.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    return nal;
  };
  if ((config[at++]! & 0x1f) !== 1) unsupported('other than one sequence parameter set');
  const spsNal = take();
  const sps = readSps(spsNal);
  if (config[1] !== sps.profileIdc) unsupported('an avcC profile other than its parameter set');
  if (at >= config.length) unsupported('no picture parameter set count');
  const ppsCount = config[at++]!;
  if (ppsCount === 0) unsupported('no picture parameter set');
  const parameterSets = [spsNal];
  const ppsIds: number[] = [];
  for (let i = 0; i < ppsCount; i++) {
    const nal = take();
    const pps = readPps(nal);
    if (pps.spsId !== sps.id) unsupported('a picture parameter set for another sequence');
    if (ppsIds.includes(pps.id)) unsupported('two picture parameter sets with one id');
    ppsIds.push(pps.id);
    parameterSets.push(nal);
  }
  // High profiles may add their chroma format and bit depths after the sets; any other bytes are not understood.
  if (at !== config.length && !(HIGH_PROFILES.has(sps.profileIdc) && config.length - at === 4 && config[at] === 0xfd && config[at + 1] === 0xf8 && config[at + 2] === 0xf8 && config[at + 3] === 0x00)) {
    unsupported('bytes after the parameter sets');
  }
  for (const [value, known] of [[sps.primaries, KNOWN_PRIMARIES], [sps.matrix, KNOWN_MATRICES]] as const) {
    if (value !== undefined && value !== 2 && !known.has(value)) unsupported('a reserved colour description');
  }
  if (sps.transfer !== undefined && sps.transfer !== 2 && TRANSFER_NAMES[sps.transfer] === undefined) unsupported('a reserved transfer characteristic');
  return { profile: sps.profile, width: sps.width, height: sps.height, fullRange: sps.fullRange, transfer: sps.transfer, primaries: sps.primaries, matrix: sps.matrix, sampleAspect: sps.sampleAspect, parameterSets, lengthSize, ppsIds };
}
