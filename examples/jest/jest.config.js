/** @type {import('jest').Config} */
module.exports = {
  reporters: [
    'default',
    // The token comes from QASE_TESTOPS_API_TOKEN; every option can also be set by its QASE_* variable.
    ['@qase-reporters/jest', { testops: { project: 'DEMO', run: { title: 'Jest example' } } }],
  ],
};
