/**
 * Returned by flow-control blocks: the step selectors (`$steps.x`) whose branches continue; null or an empty
 * list ends the branch for that element.
 */
export class FlowControl {
  readonly context: string[];
  constructor(context: string | string[] | null | undefined) {
    this.context = context == null ? [] : Array.isArray(context) ? [...context] : [context];
  }
}
