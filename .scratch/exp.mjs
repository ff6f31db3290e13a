import sharp from 'sharp';
const src = '/work/shared/corpus/image/portrait_6.jpg';
const meta = await sharp(src).metadata();
console.log('src', meta.exif?.length, meta.icc?.length, meta.orientation);
// raw pixels + withMetadata? try: raw -> keep exif via withExif?
const { data, info } = await sharp(src).raw().toBuffer({ resolveWithObject: true });
for (const fmt of ['png', 'webp', 'avif', 'tiff']) {
  const out = await sharp(src).autoOrient().keepExif().keepIccProfile()[fmt]().toBuffer();
  const m = await sharp(out).metadata();
  console.log(fmt, 'exif', m.exif?.length, 'icc', m.icc?.length, 'orient', m.orientation);
}
console.log(Object.keys(sharp.prototype).filter(k=>/exif|icc|meta/i.test(k)));
console.log(sharp.versions);
