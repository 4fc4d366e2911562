// The HTTP contract as zod schemas: services parse their responses through them (so no
// undeclared field can leak) and the SDK takes its types from them.
export * from './common';
export * from './workspace-roles';
export * from './auth';
export * from './users';
export * from './tokens';
export * from './service-apps';
export * from './login';
export * from './client-apps';
export * from './keys';
export * from './permissions';
export * from './workspaces';
export * from './roles';
export * from './activity';
export * from './pagination';
export * from './admin-users';
export * from './admin-workspaces';
export * from './admin-activity';
export * from './admin-system';
export * from './admin-import';
export * from './admin-permissions';
