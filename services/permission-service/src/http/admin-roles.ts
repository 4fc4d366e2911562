import {
  attachRoleActionsRequestSchema,
  createRoleRequestSchema,
  roleListSchema,
  roleMemberListSchema,
  roleMemberSchema,
  roleSchema,
  serviceActionListSchema,
  serviceActionsQuerySchema,
  updateRoleRequestSchema,
  uuidSchema,
  type RoleBody,
  type RoleMemberBody,
} from '@sentinel/contracts';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { Role, RoleMember } from '../data/roles';
import type { Roles } from '../domain/roles';
import { toServiceActionBody } from './roles';

const idParams = z.object({ id: uuidSchema });
const actionParams = z.object({ id: uuidSchema, actionId: uuidSchema });
const memberParams = z.object({ id: uuidSchema, userId: uuidSchema });

function toRoleBody(role: Role): RoleBody {
  return {
    id: role.id,
    workspace_id: role.workspaceId,
    name: role.name,
    description: role.description,
    created_by: role.createdBy,
    created_at: role.createdAt.toISOString(),
    action_count: role.actionCount,
    member_count: role.memberCount,
  };
}

function toMemberBody(member: RoleMember): RoleMemberBody {
  return {
    user_id: member.userId,
    email: member.email,
    name: member.name,
    assigned_at: member.assignedAt.toISOString(),
    assigned_by: member.assignedBy,
  };
}

/** The admin RBAC routes of Sentinel Auth 0.7: service actions, workspace roles, their actions and members. */
export function createAdminRolesRouter(roles: Roles): Router {
  const router = Router();

  router.get('/admin/service-actions', async (req, res) => {
    currentAdmin(req);
    const { service_name } = parseInput(serviceActionsQuerySchema, req.query, 'query');
    respond(res, serviceActionListSchema, (await roles.listActions(service_name)).map(toServiceActionBody));
  });

  router.delete('/admin/service-actions/:id', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    await roles.deleteAction(admin, id);
    res.status(204).end();
  });

  router.get('/admin/workspaces/:id/roles', async (req, res) => {
    currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, roleListSchema, (await roles.listRoles(id)).map(toRoleBody));
  });

  router.post('/admin/workspaces/:id/roles', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(createRoleRequestSchema, req.body, 'body');
    respond(res, roleSchema, toRoleBody(await roles.createRole(admin, id, body)), 201);
  });

  router.get('/admin/roles/:id', async (req, res) => {
    currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, roleSchema, toRoleBody(await roles.getRole(id)));
  });

  router.patch('/admin/roles/:id', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(updateRoleRequestSchema, req.body, 'body');
    respond(res, roleSchema, toRoleBody(await roles.updateRole(admin, id, body)));
  });

  router.delete('/admin/roles/:id', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    await roles.deleteRole(admin, id);
    res.status(204).end();
  });

  router.get('/admin/roles/:id/actions', async (req, res) => {
    currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, serviceActionListSchema, (await roles.roleActions(id)).map(toServiceActionBody));
  });

  router.post('/admin/roles/:id/actions', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(attachRoleActionsRequestSchema, req.body, 'body');
    respond(res, serviceActionListSchema, (await roles.attachActions(admin, id, body)).map(toServiceActionBody), 201);
  });

  router.delete('/admin/roles/:id/actions/:actionId', async (req, res) => {
    const admin = currentAdmin(req);
    const { id, actionId } = parseInput(actionParams, req.params, 'path');
    await roles.detachAction(admin, id, actionId);
    res.status(204).end();
  });

  router.get('/admin/roles/:id/members', async (req, res) => {
    currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, roleMemberListSchema, (await roles.roleMembers(id)).map(toMemberBody));
  });

  router.post('/admin/roles/:id/members/:userId', async (req, res) => {
    const admin = currentAdmin(req);
    const { id, userId } = parseInput(memberParams, req.params, 'path');
    respond(res, roleMemberSchema, toMemberBody(await roles.assignMember(admin, id, userId)), 201);
  });

  router.delete('/admin/roles/:id/members/:userId', async (req, res) => {
    const admin = currentAdmin(req);
    const { id, userId } = parseInput(memberParams, req.params, 'path');
    await roles.unassignMember(admin, id, userId);
    res.status(204).end();
  });

  return router;
}
