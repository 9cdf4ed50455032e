/**
 * What a Qase project code is: 2 to 10 letters or digits. One rule for the config, the manifest of a folder, the
 * request paths and the project subfolders of an outbox, since a code is all four.
 */
export const PROJECT_CODE = /^[A-Za-z0-9]{2,10}$/;
