"""The plan templates Pacer ships, written from the research-career advice in PRODUCT.md:
join groups early, publish early, choose a supervisor who mentors, specialise in families
of methods, keep the maths sharp, write to researchers, and be patient."""

from __future__ import annotations

from functools import cache

from apps.milestones.template_specs import TemplateSpec, template_parse

RESEARCH_SCIENTIST = """
- key: maths
  title: Rebuild the maths foundation
  category: skills
  month: 0
  success: Finish linear algebra, probability and multivariable calculus problem sets with at
    least 80 % correct
  description: Take the hard path. Maths and statistics carry everything that follows.
- key: join-group
  title: Join a research group as an undergraduate assistant
  category: research
  month: 3
  success: Weekly meetings with a group for at least one term and a concrete task assigned to you
  description: Join early, while still studying, to find out what you like.
  evidence: true
- key: code
  title: Reproduce a published result end to end
  category: skills
  month: 6
  after: [maths]
  success: Public repository reproducing one table or figure of a paper within the reported error
  evidence: true
- key: narrow
  title: Narrow down to two or three fields
  category: specialisation
  month: 9
  after: [join-group]
  success: One-page note naming the fields, why they intrigue you and five key papers for each
- key: families
  title: Map the families of methods in your field
  category: specialisation
  month: 12
  after: [narrow]
  success: Written comparison of at least two method families (e.g. policy-gradient vs
    value-based) with their trade-offs
- key: write-researchers
  title: Write to three researchers for advice
  category: networking
  month: 12
  after: [narrow]
  success: Three thoughtful emails sent, with a specific question about each person's work
- key: first-paper
  title: Submit a first paper or workshop paper
  category: publication
  month: 24
  after: [code, families]
  success: Paper submitted to a peer-reviewed venue or workshop
  evidence: true
- key: degree
  title: Finish the undergraduate degree with strong maths and ML courses
  category: degree
  month: 30
  success: Degree awarded with graduate-level courses in your field on the transcript
- key: shortlist-labs
  title: Shortlist PhD supervisors who also mentor
  category: supervisor
  month: 27
  after: [families, write-researchers]
  success: Ten supervisors with their directions, group size and what current students say
    about mentoring
- key: apply-phd
  title: Apply to PhD programmes
  category: application
  month: 32
  after: [first-paper, shortlist-labs]
  success: At least six applications submitted, each with a statement tailored to the lab's
    directions
  evidence: true
- key: choose-supervisor
  title: Choose a supervisor and a programme
  category: supervisor
  month: 38
  after: [apply-phd]
  success: Offer accepted after speaking with at least two current students of the group
- key: phd-start
  title: Start the PhD and agree a first-year plan
  category: degree
  month: 42
  after: [choose-supervisor]
  success: Written first-year plan agreed with the supervisor
- key: first-phd-paper
  title: First first-author PhD paper
  category: publication
  month: 60
  after: [phd-start]
  success: First-author paper accepted at a main venue in your field
  evidence: true
- key: internship
  title: Research internship at an industry lab
  category: research
  month: 72
  after: [first-phd-paper]
  success: Internship completed with a paper or internal report you can describe publicly
  evidence: true
- key: talks
  title: Present your work at a conference or lab seminar
  category: networking
  month: 78
  after: [first-phd-paper]
  success: Two talks given outside your own group
- key: maths-upkeep
  title: Keep the maths and coding sharp
  category: skills
  month: 84
  success: A self-study course or a substantial open-source contribution finished this year
- key: thesis
  title: Submit the PhD thesis
  category: degree
  month: 96
  after: [first-phd-paper]
  success: Thesis submitted and defended
  evidence: true
- key: highlights
  title: Prepare research highlights for industry applications
  category: application
  month: 98
  after: [internship, thesis]
  success: One-page research statement and a portfolio of three best papers with code
- key: apply-industry
  title: Apply for research scientist roles
  category: application
  month: 102
  after: [highlights]
  success: Applications to at least five labs whose directions fit yours, each saying why that lab
  evidence: true
- key: position
  title: Start as a research scientist (or postdoc bridge)
  category: other
  month: 114
  after: [apply-industry]
  success: Offer accepted for a research role in your field
  evidence: true
"""

PHD_APPLICATIONS = """
- key: why-phd
  title: Write down why you want a PhD
  category: other
  month: 0
  success: Half-page note on what you want to research and why a PhD is the training for it
- key: fields
  title: Choose the fields you will apply in
  category: specialisation
  month: 1
  after: [why-phd]
  success: Two fields named with the five papers in each you know best
- key: maths-check
  title: Close gaps in maths and statistics
  category: skills
  month: 1
  success: Problem sets in probability, linear algebra and optimisation finished with at least
    80 % correct
- key: research-exp
  title: Get research experience in a group
  category: research
  month: 2
  success: A project under a researcher's guidance with a written report or poster
  evidence: true
- key: labs
  title: Build a long list of labs and supervisors
  category: supervisor
  month: 3
  after: [fields]
  success: Fifteen labs with research directions, funding situation and how they mentor students
- key: contact
  title: Write to prospective supervisors
  category: networking
  month: 5
  after: [labs]
  success: Personal emails to at least eight supervisors, each mentioning a paper of theirs
- key: talk-students
  title: Talk to current PhD students of shortlisted labs
  category: supervisor
  month: 6
  after: [contact]
  success: Conversations with students of at least four labs about supervision and workload
- key: tests
  title: Book and sit required tests
  category: application
  month: 6
  success: Test scores (e.g. GRE or IELTS where required) received before the first deadline
- key: referees
  title: Ask three referees
  category: application
  month: 7
  after: [research-exp]
  success: Three referees agreed, each sent your CV, statement draft and deadlines
- key: statement
  title: Draft the statement of purpose
  category: application
  month: 7
  after: [fields, talk-students]
  success: Statement reviewed by a mentor and one researcher in the field
  evidence: true
- key: paper
  title: Turn the research project into a paper or preprint
  category: publication
  month: 8
  after: [research-exp]
  success: Preprint posted or paper submitted to a workshop
  evidence: true
- key: submit
  title: Submit the applications
  category: application
  month: 10
  after: [statement, referees, tests]
  success: Every application submitted at least a week before its deadline
  evidence: true
- key: interviews
  title: Prepare for interviews
  category: application
  month: 12
  after: [submit]
  success: Two mock interviews done, including explaining your project in five minutes
- key: decide
  title: Decide on an offer
  category: supervisor
  month: 15
  after: [interviews]
  success: Offer accepted from the supervisor who will also mentor you
  evidence: true
- key: prepare
  title: Prepare for the start of the PhD
  category: degree
  month: 17
  after: [decide]
  success: Reading list from the supervisor finished and a first project agreed
"""

FIRST_PAPER = """
- key: question
  title: Pick a question small enough to finish
  category: research
  month: 0
  success: A one-paragraph research question agreed with a mentor or supervisor
- key: related
  title: Read the related work
  category: specialisation
  month: 1
  after: [question]
  success: Annotated list of the twenty closest papers, grouped by method family
- key: baseline
  title: Reproduce the strongest baseline
  category: skills
  month: 2
  after: [related]
  success: Baseline numbers within the reported error, in a clean repository
  evidence: true
- key: experiments
  title: Run the main experiments
  category: research
  month: 4
  after: [baseline]
  success: Results for the main claim with at least three seeds and error bars
- key: venue
  title: Choose a target venue and deadline
  category: publication
  month: 4
  after: [question]
  success: Venue chosen with its page limit, format and deadline written in your plan
- key: ablations
  title: Ablations and failure cases
  category: research
  month: 6
  after: [experiments]
  success: Each component's contribution measured; one honest failure case written up
- key: draft
  title: Write the full draft
  category: publication
  month: 7
  after: [ablations, venue]
  success: Complete draft with all figures, read end to end by you
  evidence: true
- key: feedback
  title: Get feedback from two readers
  category: networking
  month: 8
  after: [draft]
  success: Written comments from two people, at least one outside your group
- key: submit
  title: Submit the paper
  category: publication
  month: 9
  after: [feedback]
  success: Submission confirmation received from the venue
  evidence: true
- key: preprint
  title: Post a preprint and release the code
  category: publication
  month: 9
  after: [submit]
  success: Preprint online and the code public with instructions to reproduce
  evidence: true
- key: rebuttal
  title: Answer the reviews
  category: publication
  month: 11
  after: [submit]
  success: Rebuttal or revision sent addressing every reviewer point
- key: present
  title: Present the work
  category: networking
  month: 12
  after: [preprint]
  success: Talk or poster given at a venue, reading group or lab meeting
"""

MASTERS_BRIDGE = """
- key: gaps
  title: Identify the coursework gaps a PhD would need
  category: degree
  month: 0
  success: List of missing courses checked against two PhD programmes' requirements
- key: choose
  title: Choose a master's with a research component
  category: degree
  month: 1
  after: [gaps]
  success: Programme chosen with a thesis or research project and faculty in your field
- key: apply-masters
  title: Apply to master's programmes
  category: application
  month: 3
  after: [choose]
  success: Applications submitted to at least three programmes
  evidence: true
- key: maths
  title: Take the hardest maths and statistics courses available
  category: skills
  month: 8
  after: [apply-masters]
  success: Graduate-level probability or optimisation passed with a top grade
- key: join-lab
  title: Join a research group in the first term
  category: research
  month: 9
  after: [apply-masters]
  success: Regular meetings with a group and a project of your own
  evidence: true
- key: specialise
  title: Specialise in one field and its method families
  category: specialisation
  month: 11
  after: [join-lab]
  success: Literature review of your field, organised by families of methods
- key: supervisor
  title: Choose a thesis supervisor who mentors
  category: supervisor
  month: 10
  after: [join-lab]
  success: Supervisor agreed after talking to two of their current students
- key: thesis-project
  title: Run the master's thesis project
  category: research
  month: 14
  after: [supervisor, specialise]
  success: Main results obtained and reviewed with the supervisor
- key: paper
  title: Turn the thesis into a paper
  category: publication
  month: 18
  after: [thesis-project]
  success: Paper or workshop paper submitted
  evidence: true
- key: outreach
  title: Write to prospective PhD supervisors
  category: networking
  month: 15
  after: [specialise]
  success: Personal emails to at least six researchers, each about a paper of theirs
- key: phd-apps
  title: Apply to PhD programmes
  category: application
  month: 16
  after: [outreach, thesis-project]
  success: At least five applications with references from your master's supervisor
  evidence: true
- key: degree
  title: Graduate from the master's
  category: degree
  month: 20
  after: [thesis-project]
  success: Degree awarded with a thesis grade that supports your PhD applications
  evidence: true
- key: phd-offer
  title: Accept a PhD offer
  category: supervisor
  month: 22
  after: [phd-apps]
  success: Offer accepted from a lab whose directions fit yours
  evidence: true
"""

_BUILTINS = [
    (
        "builtin-research-scientist",
        "Research scientist, industry lab (10 years)",
        "The long road: undergraduate research, a first paper, a PhD with a supervisor who "
        "mentors, an internship, and research scientist applications.",
        "Research scientist at an industry lab",
        10,
        RESEARCH_SCIENTIST,
    ),
    (
        "builtin-phd-applications",
        "Applying to PhD programmes (18 months)",
        "From deciding why you want a PhD to accepting an offer: fields, labs, supervisors "
        "who mentor, statement, referees and interviews.",
        "PhD student",
        2,
        PHD_APPLICATIONS,
    ),
    (
        "builtin-first-paper",
        "First paper (12 months)",
        "From a question small enough to finish to a submitted paper, a preprint and a talk.",
        "Published researcher",
        1,
        FIRST_PAPER,
    ),
    (
        "builtin-masters-bridge",
        "Master's as a bridge to a PhD",
        "A master's with a research component to close coursework gaps, publish, and apply "
        "for a PhD with a strong reference.",
        "PhD student",
        2,
        MASTERS_BRIDGE,
    ),
]


@cache
def builtin_templates() -> dict[str, TemplateSpec]:
    return {
        slug: TemplateSpec(
            slug=slug,
            name=name,
            description=description,
            target_role=role,
            horizon_years=years,
            milestones=template_parse(source),
        )
        for slug, name, description, role, years, source in _BUILTINS
    }
