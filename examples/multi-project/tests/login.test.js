const { qase } = require('@qase-reporters/jest');

describe('Login', () => {
  // One test, a case in each project: one result in each project's run.
  test(qase.projects({ PROJ1: [1], PROJ2: [2] }, 'signs in with a password'), () => {
    expect('secret').toHaveLength(6);
  });

  // The same, written as the markers qase.projects() returns; several ids per project.
  test('signs out (Qase PROJ1: 3,4) (Qase PROJ2: 5)', () => {
    expect(true).toBe(true);
  });

  // Only PROJ2 tracks this one.
  test(qase.projects({ PROJ2: [6] }, 'remembers the user'), () => {
    qase.fields({ severity: 'major' });
    expect([1, 2]).toContain(2);
  });

  // No project named: the default project (PROJ1), linked to its case 7.
  test(qase(7, 'shows the login form'), () => {
    expect('form').toBeTruthy();
  });

  // Nothing at all: the default project, unlinked.
  test('loads fast', () => {
    expect(1 + 1).toBe(2);
  });
});
