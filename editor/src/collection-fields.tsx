// Editors for properties whose selectors sit inside a list or a dict (docs/roboflow-compatibility.md#selectors-and-literals): one row per item or
// entry with add/remove, each value either linked to an upstream output or, where the schema allows, a
// literal typed as text (numbers and booleans parsed).
import { useState } from 'react';
import type { PropertyInfo } from '../model/catalog.ts';
import { addEntry, asEntries, looseText, parseLoose, removeEntry, renameEntry, setEntry } from '../model/entries.ts';
import type { Json, SchemaNode } from '../model/types.ts';
import { CommitInput, SourceSelect, type SourceOption } from './fields.tsx';

const isSelectorText = (v: Json | undefined): v is string => typeof v === 'string' && v.startsWith('$');

/** Whether list items / dict values may be literals as well as selectors. */
export function containerTakesLiterals(prop: PropertyInfo): boolean {
  const schema = prop.schema;
  const alts = (s: SchemaNode): SchemaNode[] => ((s.anyOf ?? s.oneOf) as SchemaNode[] | undefined) ?? [s];
  for (const outer of alts(schema)) {
    const inner = (prop.selector?.container === 'dict' ? outer.additionalProperties : outer.items) as
      SchemaNode | undefined;
    if (inner && typeof inner === 'object' && alts(inner).some((a) => a.reference !== true)) return true;
  }
  return false;
}

function ValueCell(props: {
  value: Json;
  link: boolean;
  sources: SourceOption[];
  testid: string;
  onChange: (v: Json | undefined) => void;
}) {
  if (props.link)
    return (
      <SourceSelect
        value={isSelectorText(props.value) ? props.value : ''}
        options={props.sources}
        testid={props.testid}
        onChange={props.onChange}
      />
    );
  return (
    <CommitInput
      className="input"
      value={looseText(props.value)}
      placeholder="value"
      testid={props.testid}
      onCommit={(t) => props.onChange(parseLoose(t))}
    />
  );
}

function ModeToggle(props: { link: boolean; testid: string; onToggle: () => void }) {
  return (
    <button
      className="icon-button mode-toggle"
      title={props.link ? 'Linked to a step output or input: switch to a typed value' : 'Typed value: switch to a link'}
      data-testid={props.testid}
      onClick={props.onToggle}
    >
      {props.link ? 'link' : 'text'}
    </button>
  );
}

export function ListField(props: {
  prop: PropertyInfo;
  value: Json | undefined;
  sources: SourceOption[];
  onChange: (v: Json[] | undefined) => void;
}) {
  const { prop, sources } = props;
  const list = Array.isArray(props.value) ? props.value : [];
  const literals = containerTakesLiterals(prop);
  const set = (next: Json[]) => props.onChange(next.length ? next : undefined);
  const id = `field-${prop.name}`;
  return (
    <div className="list-field">
      {list.map((item, i) => (
        <div className="list-row" key={i}>
          <ValueCell
            value={item}
            link={isSelectorText(item) || !literals}
            sources={sources}
            testid={`${id}-${i}`}
            onChange={(v) =>
              set(v === undefined ? list.filter((_, j) => j !== i) : list.map((x, j) => (j === i ? v : x)))
            }
          />
          <button
            className="icon-button"
            title="Remove"
            data-testid={`${id}-remove-${i}`}
            onClick={() => set(list.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <div className="list-row">
        <SourceSelect
          value=""
          options={sources}
          testid={`${id}-add`}
          placeholder="+ add a link…"
          onChange={(v) => v && set([...list, v])}
        />
        {literals && (
          <button className="small-button" data-testid={`${id}-add-value`} onClick={() => set([...list, ''])}>
            + value
          </button>
        )}
      </div>
    </div>
  );
}

export function DictField(props: {
  prop: PropertyInfo;
  value: Json | undefined;
  sources: SourceOption[];
  onChange: (v: Json | undefined) => void;
}) {
  const { prop, sources } = props;
  const dict = asEntries(props.value);
  const literals = containerTakesLiterals(prop);
  // Rows switched to "link" that hold no selector yet.
  const [linking, setLinking] = useState<Record<string, boolean>>({});
  const id = `field-${prop.name}`;
  const entries = Object.entries(dict);
  return (
    <div className="dict-field" data-testid={`${id}-dict`}>
      {entries.length > 0 && (
        <div className="dict-head">
          <span>Name</span>
          <span>Value</span>
        </div>
      )}
      {entries.map(([key, value], i) => {
        const link = !literals || isSelectorText(value) || !!linking[key];
        return (
          <div className="dict-row" key={key}>
            <CommitInput
              className="input mono"
              value={key}
              testid={`${id}-key-${i}`}
              onCommit={(k) => {
                const next = renameEntry(dict, key, k.trim());
                if (next !== dict) setLinking((m) => ({ ...m, [k.trim()]: !!m[key] }));
                props.onChange(next);
              }}
            />
            <ValueCell
              value={value}
              link={link}
              sources={sources}
              testid={`${id}-value-${i}`}
              onChange={(v) => props.onChange(setEntry(dict, key, v ?? ''))}
            />
            {literals && (
              <ModeToggle
                link={link}
                testid={`${id}-mode-${i}`}
                onToggle={() => {
                  setLinking((m) => ({ ...m, [key]: !link }));
                  if (link && isSelectorText(value)) props.onChange(setEntry(dict, key, ''));
                }}
              />
            )}
            <button
              className="icon-button"
              title="Remove"
              data-testid={`${id}-remove-${i}`}
              onClick={() => props.onChange(removeEntry(dict, key))}
            >
              ×
            </button>
          </div>
        );
      })}
      <button
        className="small-button"
        data-testid={`${id}-add`}
        onClick={() => {
          const { dict: next, key } = addEntry(dict, 'param', '');
          setLinking((m) => ({ ...m, [key]: true }));
          props.onChange(next);
        }}
      >
        + add entry
      </button>
    </div>
  );
}
