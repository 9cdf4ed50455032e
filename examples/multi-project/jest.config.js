/** @type {import('jest').Config} */
module.exports = {
  // The projects are in qase.config.json; the token comes from QASE_TESTOPS_API_TOKEN.
  reporters: ['default', '@qase-reporters/jest'],
};
