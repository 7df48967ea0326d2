// The query language shared by every block that evaluates operations or statements.
export { executeOperations, validateOperations, OPERATIONS } from './chain.ts';
export {
  evaluateStatement,
  evaluateOperand,
  pointInPolygon,
  BINARY_OPERATORS,
  UNARY_OPERATORS,
  type Statement,
  type Operand,
} from './statements.ts';
export {
  DetectionRef,
  isDetectionRef,
  DEFAULT_OPERAND_NAME,
  type EvaluationContext,
  type OperationDefinition,
} from './types.ts';
export { operationsDescription, operatorsDescriptions } from './describe.ts';
export { pyEquals, pyJsonDumps, pyStr } from './python.ts';
export { fillPlaceholders, placeholderNames, transformParameters } from './template.ts';
