import sharp, { type Metadata } from 'sharp';
import { readFileHead } from '../../main/core/engine/identify/identifyInput.js';
import type { ImageInfo, ImageInspector } from '../../main/core/engine/ports.js';
import { readBmpHeader } from './bmp.js';
import { readPhotoTags, readTiffFilePhotoTags } from './exifTiff.js';

/** sharp hands EXIF over with the "Exif\0\0" prefix of its JPEG segment; the TIFF structure starts after it. */
export function exifTiffOf(exif: Buffer): Uint8Array {
  return exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
}

function imageInfo(meta: Metadata): ImageInfo {
  return {
    format: meta.format ?? 'unknown',
    width: meta.width ?? 0,
    height: meta.pageHeight ?? meta.height ?? 0,
    hasAlpha: meta.hasAlpha ?? false,
    orientation: meta.orientation,
    hasExif: meta.exif !== undefined && meta.exif.length > 0,
    photoTags: meta.exif ? readPhotoTags(exifTiffOf(meta.exif)) : [],
    hasIcc: meta.icc !== undefined && meta.icc.length > 0,
    pages: meta.pages ?? 1,
    hasXmpOrIptc: (meta.xmp !== undefined && meta.xmp.length > 0) || (meta.iptc !== undefined && meta.iptc.length > 0),
  };
}

/** What an image file is, from its header and metadata only: no decoder, worker or converter needed. */
export async function inspectImage(path: string): Promise<ImageInfo> {
  const bmp = readBmpHeader(await readFileHead(path, 64));
  if (bmp) return { format: 'bmp', width: bmp.width, height: bmp.height, hasAlpha: bmp.bitsPerPixel === 32, orientation: undefined, hasExif: false, photoTags: [], hasIcc: false, pages: 1 };
  // The header only: an animation's frames stacked may pass libvips' pixel limit, which guards decoding.
  const meta = await sharp(path, { pages: -1, limitInputPixels: false }).metadata();
  // libvips reads no EXIF from a TIFF: its EXIF and GPS IFDs are read here.
  if (meta.format === 'tiff') {
    const tiffTags = await readTiffFilePhotoTags(path);
    return { ...imageInfo(meta), hasExif: tiffTags.length > 0, photoTags: tiffTags };
  }
  return imageInfo(meta);
}

export const sharpImageInspector: ImageInspector = { inspect: inspectImage };
