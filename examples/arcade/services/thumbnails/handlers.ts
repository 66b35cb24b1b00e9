// The ThumbnailsService RPC: decode, crop the centre, encode in the format it came in.
import { BricksError, implement, type ServiceImplementation } from '@bricks/sdk';
import { ThumbnailsService } from '../../gen/arcade/v1/thumbnails_pb.ts';
import { cropCentre } from './crop.ts';
import { decodePpm, decodeRgba, encodePpm, formatOf, PPM, RGBA, type Decoded, type Format } from './image.ts';

function decode(format: Format, bytes: Uint8Array, width: number, height: number): Decoded {
  switch (format) {
    case PPM:
      return decodePpm(bytes);
    case RGBA:
      return decodeRgba(bytes, width, height);
  }
}

export function thumbnailsService(): ServiceImplementation {
  return implement(ThumbnailsService, {
    crop(req) {
      const format = formatOf(req.contentType);
      if (format === undefined) throw new BricksError('invalid_argument', `content_type must be ${PPM} or ${RGBA}, not "${req.contentType}"`);
      if (req.width < 1 || req.height < 1) throw new BricksError('invalid_argument', 'width and height must be at least 1');
      const decoded = decode(format, req.image, req.sourceWidth, req.sourceHeight);
      if (!decoded.ok) throw new BricksError('invalid_argument', decoded.problem);
      const thumb = cropCentre(decoded.image, req.width, req.height);
      return { image: format === PPM ? encodePpm(thumb) : thumb.pixels, contentType: format, width: thumb.width, height: thumb.height };
    },
  });
}
