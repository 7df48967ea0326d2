// roboflow_core/geotag_detection@v1: each detection's box centre projected to latitude/longitude for a nadir
// (straight-down) pinhole camera over flat ground: the ground footprint follows from altitude and horizontal
// field of view, the image axes are turned onto east/north by the heading, and metres become degrees with a
// spherical Earth (111320 m per degree of latitude).
import { Detections, WorkflowImage, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';

interface Params {
  image: WorkflowImage;
  predictions: Detections;
  latitude: number;
  longitude: number;
  altitude: number;
  horizontal_fov: number;
  heading: number;
}

const METERS_PER_DEGREE_LATITUDE = 111320;

export interface CameraPose {
  latitude: number;
  longitude: number;
  /** Metres above ground; at or below zero every point maps to the camera position. */
  altitude: number;
  horizontalFovDegrees: number;
  /** Degrees clockwise from north that the top of the image faces. */
  headingDegrees: number;
}

/** [latitude, longitude] of pixel (x, y) of a width x height image seen straight down from `camera`. */
export function pixelToGps(x: number, y: number, width: number, height: number, camera: CameraPose): [number, number] {
  if (camera.altitude <= 0) return [camera.latitude, camera.longitude];
  const groundWidth = 2 * camera.altitude * Math.tan((camera.horizontalFovDegrees * Math.PI) / 360);
  const groundHeight = (groundWidth * height) / width;
  const right = ((x - width / 2) / width) * groundWidth;
  const up = (-(y - height / 2) / height) * groundHeight;
  const heading = (camera.headingDegrees * Math.PI) / 180;
  const east = right * Math.cos(heading) + up * Math.sin(heading);
  const north = -right * Math.sin(heading) + up * Math.cos(heading);
  const metersPerDegreeLongitude = METERS_PER_DEGREE_LATITUDE * Math.cos((camera.latitude * Math.PI) / 180);
  return [camera.latitude + north / METERS_PER_DEGREE_LATITUDE, camera.longitude + east / metersPerDegreeLongitude];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

const floatProperty = (title: string, description: string, examples: unknown[], defaultValue?: number) =>
  literalOrSelector({ type: 'number' }, ['float'], {
    title,
    description,
    examples,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

export const geotagDetectionV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/geotag_detection@v1',
    humanName: 'GeoTag Detection',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Project detections from pixel coordinates to real-world GPS positions.',
    longDescription:
      "Projects each detection's box centre to a GPS coordinate from the camera's latitude, longitude, altitude above ground, horizontal field of view and heading, assuming a nadir (straight-down) camera over flat ground, as in drone surveys; accuracy drops for oblique views. Outputs one record per detection (class, confidence, lat, lon, pixel_x, pixel_y, width, height) and a GeoJSON FeatureCollection of Point features.",
    ui: { section: 'transformation', icon: 'far fa-map-pin', blockPriority: 5 },
    properties: {
      image: selector(['image'], {
        title: 'Input Image',
        description: 'The image the detections come from (its size sets the projection).',
        examples: ['$inputs.image', '$steps.detection.image'],
      }),
      predictions: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        title: 'Detections',
        description: 'Detections to geotag; each box centre is projected.',
        examples: ['$steps.detection.predictions'],
      }),
      latitude: floatProperty('Camera Latitude', 'Camera latitude in decimal degrees (positive north).', [
        47.428681,
        '$inputs.latitude',
      ]),
      longitude: floatProperty('Camera Longitude', 'Camera longitude in decimal degrees (positive east).', [
        -105.279125,
        '$inputs.longitude',
      ]),
      altitude: floatProperty('Altitude (meters AGL)', 'Camera altitude above ground level in metres.', [
        69.0,
        '$inputs.altitude',
      ]),
      horizontal_fov: floatProperty(
        'Horizontal Field of View (degrees)',
        'Horizontal field of view of the camera in degrees (73.7 suits most DJI consumer drones).',
        [73.7, 84.0],
        73.7,
      ),
      heading: floatProperty(
        'Camera Heading (degrees clockwise from North)',
        'Compass bearing the top of the image faces, clockwise from true north; 0 = image-up is north.',
        [0.0, 90.0, '$inputs.heading'],
        0,
      ),
    },
    required: ['image', 'predictions', 'latitude', 'longitude', 'altitude'],
    outputs: [
      { name: 'geo_detections', kind: ['list_of_values'] },
      { name: 'geojson', kind: ['dictionary'] },
    ],
  },
  run(p) {
    const d = p.predictions;
    const camera: CameraPose = {
      latitude: Number(p.latitude),
      longitude: Number(p.longitude),
      altitude: Number(p.altitude),
      horizontalFovDegrees: Number(p.horizontal_fov ?? 73.7),
      headingDegrees: Number(p.heading ?? 0),
    };
    const names = d.column<string>('class_name');
    const records: Record<string, unknown>[] = [];
    const features: Record<string, unknown>[] = [];
    for (let i = 0; i < d.length; i++) {
      const [x0, y0, x1, y1] = d.box(i);
      const cx = (x0 + x1) / 2;
      const cy = (y0 + y1) / 2;
      const [lat, lon] = pixelToGps(cx, cy, p.image.width, p.image.height, camera);
      const record = {
        class: names?.[i] !== undefined ? String(names[i]) : 'unknown',
        confidence: round(d.confidence[i]!, 4),
        lat: round(lat, 7),
        lon: round(lon, 7),
        pixel_x: round(cx, 1),
        pixel_y: round(cy, 1),
        width: round(x1 - x0, 1),
        height: round(y1 - y0, 1),
      };
      records.push(record);
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [record.lon, record.lat] },
        properties: { class: record.class, confidence: record.confidence },
      });
    }
    return { geo_detections: records, geojson: { type: 'FeatureCollection', features } };
  },
});
