import sharp from 'sharp';
const src = '/work/shared/corpus/image/portrait_6.jpg';
await sharp(src).autoOrient().keepExif().keepIccProfile().tiff().toFile('/tmp/h13/o.tiff');
await sharp(src).autoOrient().keepExif().keepIccProfile().png().toFile('/tmp/h13/o.png');
console.log(await sharp('/tmp/h13/o.tiff').metadata().then(m=>[m.exif?.length, m.icc?.length]));
