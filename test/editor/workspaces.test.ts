// The Save box's workspace rules and the open list's description line (editor/model/workspaces.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveWorkspaceFor, saveWorkspaceProblem, workflowDescription } from '../../editor/model/workspaces.ts';

test('browsing examples saves into default; other workspaces save where they are', () => {
  assert.equal(saveWorkspaceFor('examples'), 'default');
  assert.equal(saveWorkspaceFor(''), 'default');
  assert.equal(saveWorkspaceFor('team-a'), 'team-a');
});

test('saving into examples or a malformed workspace is refused with the reason', () => {
  assert.match(saveWorkspaceProblem('examples') ?? '', /shipped examples.*'default'/);
  assert.match(saveWorkspaceProblem('a/b') ?? '', /letters, digits/);
  assert.equal(saveWorkspaceProblem('default'), null);
});

test('description: first version message, else the definition description, else none', () => {
  assert.equal(workflowDescription('  first save ', { description: 'ignored' }), 'first save');
  assert.equal(workflowDescription(null, { description: 'Counts cars' }), 'Counts cars');
  assert.equal(workflowDescription('', { description: 7 }), null);
  assert.equal(workflowDescription(undefined, null), null);
});
