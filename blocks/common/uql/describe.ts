// The query language as `/workflows/blocks/describe` reports it (universal_query_language_description).
import { DETECTION_KINDS, kindObject, type Kind } from '../../../engine/index.ts';
import { DETECTION_PROPERTIES } from './operations/detections.ts';
import { BINARY_OPERATORS, UNARY_OPERATORS } from './statements.ts';

const DET = [...DETECTION_KINDS];
const NUM = ['integer', 'float', 'float_zero_to_one'];

interface OperationSpec {
  description: string;
  input: string[];
  output: string[];
  nested?: [input: string[], output: string[]];
  propertyOptions?: string[];
}

const OPERATIONS: Record<string, OperationSpec> = {
  StringToLowerCase: { description: 'Lower-cases the input string', input: ['string'], output: ['string'] },
  StringToUpperCase: { description: 'Upper-cases the input string', input: ['string'], output: ['string'] },
  LookupTable: { description: 'Replaces the value with its entry in the lookup table', input: ['*'], output: ['*'] },
  ToNumber: {
    description: 'Converts the value into a number (int or float, per cast_to)',
    input: ['string', 'boolean', ...NUM],
    output: NUM,
  },
  NumberRound: { description: 'Rounds the number to decimal_digits', input: NUM, output: NUM },
  SequenceMap: {
    description: 'Replaces each element of the list with its entry in the lookup table',
    input: ['list_of_values'],
    output: ['list_of_values'],
    nested: [['*'], ['*']],
  },
  NumericSequenceAggregate: {
    description: 'Aggregates a list of numbers (min, max, sum, avg, first, last)',
    input: ['list_of_values'],
    output: NUM,
  },
  SequenceAggregate: {
    description: 'Aggregates a list (first, last, most_common, least_common)',
    input: ['list_of_values'],
    output: ['*'],
  },
  ToString: { description: 'Converts the value into a string', input: ['*'], output: ['string'] },
  ToBoolean: {
    description: 'Converts the value into a boolean',
    input: ['float', 'float_zero_to_one', 'integer'],
    output: ['boolean'],
  },
  StringSubSequence: {
    description: 'Takes the [start:end) slice of the string',
    input: ['string'],
    output: ['string'],
  },
  DetectionsPropertyExtract: {
    description: 'Extracts one property of every detection as a list',
    input: DET,
    output: ['list_of_values'],
    propertyOptions: Object.keys(DETECTION_PROPERTIES),
  },
  DetectionsToDictionary: {
    description: 'Converts detections into the inference response dictionary',
    input: DET,
    output: ['dictionary'],
  },
  ClassificationPropertyExtract: {
    description: 'Extracts a property of a classification result',
    input: ['classification_prediction'],
    output: ['string', 'list_of_values', 'float_zero_to_one'],
    propertyOptions: ['top_class', 'top_class_confidence', 'all_classes', 'all_confidences'],
  },
  DetectionsSelection: {
    description: 'Selects one detection (left_most, right_most, top_confidence, first, last)',
    input: DET,
    output: DET,
  },
  ExtractDetectionProperty: {
    description: 'Extracts a property of a single detection',
    input: ['detection'],
    output: ['*'],
    propertyOptions: Object.keys(DETECTION_PROPERTIES),
  },
  DetectionsFilter: {
    description: 'Keeps the detections for which the filter statement holds',
    input: DET,
    output: DET,
    nested: [['detection'], ['boolean']],
  },
  SortDetections: { description: 'Orders detections by a property', input: DET, output: DET },
  DetectionsOffset: { description: 'Grows every box by offset_x / offset_y', input: DET, output: DET },
  DetectionsShift: { description: 'Moves every box by shift_x / shift_y', input: DET, output: DET },
  RandomNumber: {
    description: 'Replaces the value with a random number in [min_value, max_value)',
    input: [...DET, '*'],
    output: ['float', 'float_zero_to_one'],
  },
  ExtractImageProperty: {
    description: 'Extracts a property of the image (size, height, width, aspect_ratio)',
    input: ['image'],
    output: ['integer'],
    propertyOptions: ['size', 'height', 'width', 'aspect_ratio'],
  },
  ExtractFrameMetadata: {
    description: 'Extracts a property of the video frame the image comes from',
    input: ['image'],
    output: ['*'],
    propertyOptions: [
      'frame_number',
      'frame_timestamp',
      'seconds_since_start',
      'video_identifier',
      'fps',
      'measured_fps',
      'comes_from_video_file',
    ],
  },
  TimestampToISOFormat: { description: 'Formats a timestamp as ISO-8601', input: ['timestamp'], output: ['string'] },
  ConvertImageToJPEG: { description: 'Encodes the image as JPEG bytes', input: ['image'], output: ['bytes'] },
  ConvertImageToBase64: { description: 'Encodes the image as base64 JPEG', input: ['image'], output: ['string'] },
  ConvertDictionaryToJSON: {
    description: 'Serialises the dictionary as JSON',
    input: ['dictionary'],
    output: ['string'],
  },
  StringMatches: { description: 'Checks whether the string matches the regex', input: ['string'], output: ['boolean'] },
  SequenceLength: {
    description: 'Length of the sequence',
    input: [...DET, 'list_of_values', 'dictionary'],
    output: ['integer'],
  },
  SequenceElementsCount: {
    description: 'Counts occurrences of each distinct element',
    input: ['list_of_values'],
    output: ['dictionary'],
  },
  SequenceJoin: {
    description: 'Joins the elements into one string with the separator',
    input: ['list_of_values'],
    output: ['string'],
  },
  SequenceApply: {
    description: 'Applies a chain of operations to every element',
    input: ['list_of_values'],
    output: ['list_of_values'],
    nested: [['*'], ['*']],
  },
  Multiply: { description: 'Multiplies the value by other', input: NUM, output: NUM },
  Divide: { description: 'Divides the value by other', input: NUM, output: NUM },
  DetectionsRename: { description: 'Renames detection classes with class_map', input: DET, output: DET },
  PickDetectionsByParentClass: {
    description: 'Keeps detections lying inside detections of parent_class',
    input: DET,
    output: DET,
  },
};

const kinds = (names: string[]): Kind[] => names.map(kindObject);

export const operationsDescription = Object.entries(OPERATIONS).map(([type, spec]) => ({
  operation_type: type,
  compound: Boolean(spec.nested),
  input_kind: kinds(spec.input),
  output_kind: kinds(spec.output),
  nested_operation_input_kind: spec.nested ? kinds(spec.nested[0]) : null,
  nested_operation_output_kind: spec.nested ? kinds(spec.nested[1]) : null,
  description: spec.description,
  property_name_options: spec.propertyOptions ?? null,
}));

const COMPARABLE = ['integer', 'string', 'float', 'float_zero_to_one', 'boolean', 'list_of_values'];
const OPERATOR_SPECS: Record<string, [description: string, operandKinds: string[][]]> = {
  '==': ['Checks if two values are equal', [COMPARABLE, COMPARABLE]],
  '(Number) ==': ['Checks if two values are equal', [COMPARABLE, COMPARABLE]],
  '!=': ['Checks if two values are not equal', [COMPARABLE, COMPARABLE]],
  '(Number) !=': ['Checks if two values are not equal', [COMPARABLE, COMPARABLE]],
  '(Number) >': ['Checks if the first number is greater than the second', [NUM, NUM]],
  '(Number) >=': ['Checks if the first number is greater than or equal to the second', [NUM, NUM]],
  '(Number) <': ['Checks if the first number is lower than the second', [NUM, NUM]],
  '(Number) <=': ['Checks if the first number is lower than or equal to the second', [NUM, NUM]],
  '(Number) in range': ['Checks if the number lies in the [min, max] range', [NUM, ['list_of_values']]],
  '(String) startsWith': ['Checks if the first string starts with the second', [['string'], ['string']]],
  '(String) endsWith': ['Checks if the first string ends with the second', [['string'], ['string']]],
  '(String) contains': ['Checks if the first string contains the second', [['string'], ['string']]],
  'in (Sequence)': [
    'Checks if the first value is an element of the second',
    [
      ['string', ...NUM],
      ['list_of_values', 'dictionary'],
    ],
  ],
  'all in (Sequence)': [
    'Checks if all elements of the first list are elements of the second',
    [['list_of_values'], ['list_of_values']],
  ],
  'any in (Sequence)': [
    'Checks if any element of the first list is an element of the second',
    [['list_of_values'], ['list_of_values']],
  ],
  '(Detection) in zone': ['Checks if the detection centre lies in the zone', [['detection'], ['zone']]],
  Exists: ['Checks if the value is given (not null)', [['*']]],
  DoesNotExist: ['Checks if the value is not given (null)', [['*']]],
  '(Boolean) is True': ['Checks if the value is true', [['boolean']]],
  '(Boolean) is False': ['Checks if the value is false', [['boolean']]],
  '(Sequence) is empty': ['Checks if the sequence is empty', [['list_of_values', 'dictionary', ...DET]]],
  '(Sequence) is not empty': ['Checks if the sequence is not empty', [['list_of_values', 'dictionary', ...DET]]],
};

export const operatorsDescriptions = [...Object.keys(BINARY_OPERATORS), ...Object.keys(UNARY_OPERATORS)].map((type) => {
  const [description, operandKinds] = OPERATOR_SPECS[type] ?? ['', []];
  return {
    operator_type: type,
    operands_number: operandKinds.length,
    operands_kinds: operandKinds.map(kinds),
    description,
  };
});
