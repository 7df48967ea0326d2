// The kinds Roboflow's engine loads (docs/roboflow-compatibility.md#kinds). Compatibility is decided by name only; "*" matches all.
export interface Kind {
  name: string;
  description: string;
  docs: string | null;
  serialised_data_type: string;
  internal_data_type: string;
}

const kindTable: Array<[name: string, serialised: string, internal: string, description: string]> = [
  ['*', 'Any', 'Any', 'Equivalent of any element'],
  ['image', 'dict', 'WorkflowImageData', 'Image in workflows'],
  ['video_metadata', 'dict', 'VideoMetadata', 'Video image metadata'],
  ['roboflow_model_id', 'str', 'str', 'Roboflow model id'],
  ['roboflow_project', 'str', 'str', 'Roboflow project name'],
  ['roboflow_solution', 'str', 'str', 'Roboflow Vision Events use case identifier'],
  ['roboflow_api_key', 'str', 'str', 'Roboflow API key'],
  ['ROBOFLOW_MANAGED_KEY', 'str', 'str', 'Roboflow-managed third-party API key reference'],
  ['float_zero_to_one', 'float', 'float', '`float` value in range `[0.0, 1.0]`'],
  ['list_of_values', 'List[Any]', 'List[Any]', 'List of values of any type'],
  [
    'serialised_payloads',
    'List[Union[str, dict]]',
    'List[Union[str, bytes, dict]]',
    'Serialised element that is usually accepted by sink',
  ],
  ['boolean', 'bool', 'bool', 'Boolean flag'],
  ['integer', 'int', 'int', 'Integer value'],
  ['string', 'str', 'str', 'String value'],
  ['top_class', 'str', 'str', 'String value representing top class predicted by classification model'],
  ['float', 'float', 'float', 'Float value'],
  ['dictionary', 'dict', 'dict', 'Dictionary'],
  [
    'detection',
    'Tuple[list, Optional[list], Optional[float], Optional[float], Optional[int], dict]',
    'Tuple',
    'Single element of detections-based prediction (like `object_detection_prediction`)',
  ],
  ['classification_prediction', 'dict', 'dict', 'Predictions from classifier'],
  [
    'detections_overlaps',
    'List[Dict[str, Any]]',
    'List[Dict[str, Any]]',
    'Overlaps between reference and candidate detections',
  ],
  ['point', 'Tuple[int, int]', 'Tuple[int, int]', 'Single point in 2D'],
  ['labeled_points', 'List[Dict[str, Any]]', 'List[Dict[str, Any]]', 'Prompt points with positive / negative labels'],
  ['zone', 'List[Tuple[int, int]]', 'List[Tuple[int, int]]', 'Definition of polygon zone'],
  [
    'object_detection_prediction',
    'dict',
    'sv.Detections',
    'Prediction with detected bounding boxes in form of sv.Detections(...) object',
  ],
  [
    'instance_segmentation_prediction',
    'dict',
    'sv.Detections',
    'Prediction with detected bounding boxes and segmentation masks in form of sv.Detections(...) object',
  ],
  [
    'rle_instance_segmentation_prediction',
    'dict',
    'sv.Detections',
    'Prediction with detected bounding boxes and RLE-encoded segmentation masks',
  ],
  [
    'keypoint_detection_prediction',
    'dict',
    'sv.Detections',
    'Prediction with detected bounding boxes and detected keypoints in form of sv.Detections(...) object',
  ],
  ['semantic_segmentation_prediction', 'dict', 'sv.Detections', 'Per-pixel class and confidence prediction'],
  ['rgb_color', 'Tuple[int, int, int]', 'Tuple[int, int, int]', 'RGB color'],
  ['image_keypoints', 'dict', 'dict', 'Image keypoints detected by classical Computer Vision method'],
  ['contours', 'List[list]', 'List[np.ndarray]', 'List of numpy arrays where each array represents contour points'],
  ['language_model_output', 'str', 'str', 'LLM / VLM output'],
  ['numpy_array', 'list', 'np.ndarray', 'Numpy array'],
  ['tensor', 'list', 'torch.Tensor', 'Raw tensor'],
  ['qr_code_detection', 'dict', 'sv.Detections', 'Prediction with QR code detection'],
  ['bar_code_detection', 'dict', 'sv.Detections', 'Prediction with barcode detection'],
  ['prediction_type', 'str', 'str', 'String value with type of prediction'],
  ['parent_id', 'str', 'str', 'Identifier of parent for step output'],
  ['image_metadata', 'dict', 'dict', 'Dictionary with image metadata required by supervision'],
  ['bytes', 'str', 'bytes', 'This kind represent bytes'],
  ['inference_id', 'str', 'str', 'Inference identifier'],
  ['secret', 'str', 'str', 'Secret value'],
  ['embedding', 'List[float]', 'List[float]', 'A list of floating point numbers representing a vector embedding.'],
  ['timestamp', 'str', 'datetime', 'Timestamp'],
];

export const KINDS: ReadonlyMap<string, Kind> = new Map(
  kindTable.map(([name, serialised, internal, description]) => [
    name,
    { name, description, docs: null, serialised_data_type: serialised, internal_data_type: internal },
  ]),
);

/** Kinds whose values are Detections at run time (sv.Detections in Roboflow's table). */
export const DETECTIONS_VALUE_KINDS: ReadonlySet<string> = new Set(
  kindTable.filter(([, , internal]) => internal === 'sv.Detections').map(([name]) => name),
);

/** Full kind object for a name; unknown names (plugins) get a generic description. */
export function kindObject(name: string): Kind {
  return (
    KINDS.get(name) ?? { name, description: name, docs: null, serialised_data_type: 'Any', internal_data_type: 'Any' }
  );
}

/** Roboflow's edge check: valid iff "*" is on either side or the name sets intersect. */
export function kindsCompatible(expected: readonly string[], actual: readonly string[]): boolean {
  if (expected.includes('*') || actual.includes('*')) return true;
  return expected.some((k) => actual.includes(k));
}

export const DETECTION_KINDS = [
  'object_detection_prediction',
  'instance_segmentation_prediction',
  'keypoint_detection_prediction',
] as const;

/** The detection kinds plus RLE instance segmentation: what trackers and visualizations accept (Roboflow's TRACKER_PREDICTION_KINDS). */
export const DETECTION_KINDS_WITH_RLE = [...DETECTION_KINDS, 'rle_instance_segmentation_prediction'] as const;
