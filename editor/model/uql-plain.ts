// Operations in plain words for the operations picker ("number of items" for SequenceLength), grouped, and
// which of them apply to the kind flowing into the chain at that point.
import { kindsCompatible } from './kinds.ts';
import type { OperationInfo, UqlLanguage } from './uql-language.ts';

export const OPERATION_GROUPS = ['Count & summarise', 'Detections', 'Text', 'Numbers', 'Lists', 'Images & other'];

const PLAIN: Record<string, [label: string, group: (typeof OPERATION_GROUPS)[number]]> = {
  SequenceLength: ['number of items (count detections)', 'Count & summarise'],
  SequenceElementsCount: ['how many times each value occurs', 'Count & summarise'],
  NumericSequenceAggregate: ['min / max / sum / average of numbers', 'Count & summarise'],
  SequenceAggregate: ['first / last / most common item', 'Count & summarise'],
  DetectionsPropertyExtract: ['a property of every detection (class, confidence, size…)', 'Detections'],
  ExtractDetectionProperty: ['a property of one detection', 'Detections'],
  DetectionsFilter: ['keep only detections that match a condition', 'Detections'],
  DetectionsSelection: ['pick one detection (largest, most confident…)', 'Detections'],
  SortDetections: ['sort detections', 'Detections'],
  DetectionsOffset: ['grow or shrink the boxes', 'Detections'],
  DetectionsShift: ['move the boxes', 'Detections'],
  DetectionsRename: ['rename classes', 'Detections'],
  DetectionsToDictionary: ['detections as plain data', 'Detections'],
  PickDetectionsByParentClass: ['detections inside a parent class', 'Detections'],
  ClassificationPropertyExtract: ['top class or confidence of a classification', 'Detections'],
  StringToLowerCase: ['lower case', 'Text'],
  StringToUpperCase: ['upper case', 'Text'],
  StringSubSequence: ['part of the text', 'Text'],
  StringMatches: ['does the text match a pattern', 'Text'],
  ToString: ['as text', 'Text'],
  TimestampToISOFormat: ['time as ISO text', 'Text'],
  ConvertDictionaryToJSON: ['as JSON text', 'Text'],
  ToNumber: ['as a number', 'Numbers'],
  NumberRound: ['round', 'Numbers'],
  Multiply: ['multiply', 'Numbers'],
  Divide: ['divide', 'Numbers'],
  RandomNumber: ['random number', 'Numbers'],
  ToBoolean: ['as yes/no', 'Numbers'],
  LookupTable: ['map values with a table', 'Lists'],
  SequenceMap: ['map each item with a table', 'Lists'],
  SequenceJoin: ['join items into one text', 'Lists'],
  SequenceApply: ['apply operations to each item', 'Lists'],
  ExtractImageProperty: ['image size or other property', 'Images & other'],
  ExtractFrameMetadata: ['video frame number or time', 'Images & other'],
  ConvertImageToJPEG: ['image as JPEG bytes', 'Images & other'],
  ConvertImageToBase64: ['image as base64 text', 'Images & other'],
};

export function plainLabel(type: string): string {
  return PLAIN[type]?.[0] ?? type;
}

export function operationGroup(type: string): string {
  return PLAIN[type]?.[1] ?? 'Images & other';
}

/** Operations that take `kinds` (all when the kinds are unknown), grouped in display order. */
export function groupedOperations(
  language: UqlLanguage,
  kinds: string[] | null,
): Array<{ group: string; operations: OperationInfo[] }> {
  const fits = (o: OperationInfo) => !kinds || !o.inputKinds.length || kindsCompatible(kinds, o.inputKinds);
  const ops = language.operations.filter(fits);
  return OPERATION_GROUPS.map((group) => ({
    group,
    operations: ops.filter((o) => operationGroup(o.type) === group),
  })).filter((g) => g.operations.length);
}

/** The kinds coming out of a chain of operations, starting from `kinds`. */
export function kindsAfter(language: UqlLanguage, kinds: string[] | null, types: string[]): string[] | null {
  let current = kinds;
  for (const t of types) {
    const out = language.operation(t)?.outputKinds;
    current = out && out.length ? out : null;
  }
  return current;
}
