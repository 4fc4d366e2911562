export { ACCESS_AUDIENCE, ADMIN_AUDIENCE } from './claims';
export type { TokenContext, TokenPair } from './context';
export { introspect, revokeAnyToken } from './introspect';
export type { Introspection } from './introspect';
export { issueAdminToken, issuePair, NotAMemberError, tokenLifetimes } from './issue';
export { INVALID_REFRESH_TOKEN, rotateRefreshToken } from './refresh';
export { denyToken, logout, revokeClientAppSessions, revokeUserSessions } from './revoke';
export { verifyOurToken } from './verify';
