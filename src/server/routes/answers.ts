import { z } from "zod";
import type { Store } from "../../store/types.js";
import { inProject } from "../access.js";
import type { ApiRouter } from "../router.js";
import { AnyJson, ProjectParams } from "../schemas.js";

const AnswerOut = z.object({
  id: z.string(),
  projectId: z.string(),
  caseId: z.string(),
  createdAt: z.string(),
  content: AnyJson.describe("the answer as `portello demo --json` prints it, with `runs`: option → run id"),
});

/** Answers to question cases, stored by `portello demo --save` (npm start): the web app opens on the newest. */
export function answerRoutes(api: ApiRouter, store: Store): void {
  api.add(
    {
      method: "get",
      path: "/api/projects/:project/answer",
      operationId: "getLatestAnswer",
      access: inProject("viewer"),
      summary: "The project's newest stored answer to a question case (404 when none is stored)",
      tag: "answers",
      params: ProjectParams,
      responses: { 200: { description: "the answer", schema: AnswerOut } },
    },
    async (c, { params }) => {
      const project = await store.getProject(params.project);
      return c.json(await store.latestAnswer(project.id));
    },
  );
}
