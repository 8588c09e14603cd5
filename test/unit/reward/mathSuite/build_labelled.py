# Generates labelled.jsonl: hand-labelled (gold, answer, options, expected) cases for the math
# verifier, one class per block, with must-not-match pairs in every class. Written for this project
# (answer formats of MATH, DeepScaleR/AIME, NuminaMath and reasoning-model endings), not taken from
# Math-Verify's tests. Run: python3 build_labelled.py > labelled.jsonl
import json

T, F = True, False
cases = []

def add(cls, gold, ans, expected, kind="pred", **opts):
    row = {"class": cls, "gold": gold, kind: ans, "expected": expected}
    for k, v in opts.items():
        row[k] = v
    cases.append(row)

R = lambda body: "<think>\nLet me work this out step by step.\n</think>\n\n" + body

# --- integers, plain text answers (expr extraction) -------------------------------------------
c = "plain-number"
add(c, "-5", "-5", T)
add(c, "-5", "The result is -5.", T)
add(c, "7425000", "7,425,000", T)
add(c, "7425000", "7 425 000", T)
add(c, "1000", "1 000", T)
add(c, "1000", "1,000.", T)
add(c, "34", "Final Answer: The largest $n$ is 34.", T)
add(c, "34", "Final Answer: The largest $n$ is 35.", F)
add(c, "12", "So in total there are 12 apples", T)
add(c, "12", "So in total there are 13 apples", F)
add(c, "0.3333", "0.3333", T)
add(c, "-5", "5", F)
add(c, "7425000", "742500", F)
add(c, "1000", "100", F)
add(c, "204", "The answer: 204", T)
add(c, "204", "The answer: 240", F)
add(c, "42", "We get x = 40 + 2 = 42", T)
add(c, "3", "There are 3 ways.", T)
add(c, "3", "There are 3 ways, not 4.", F)
add(c, "3", R("Counting gives 3 ways."), T, kind="response")

# --- percent ----------------------------------------------------------------------------------
c = "percent"
add(c, "28\\%", "28 percent", T)
add(c, "28\\%", "28 %", T)
add(c, "28\\%", "28", T)
add(c, "28", "28\\%", T)
add(c, "28\\%", "0.28", T)
add(c, "28\\%", "2.8", F)
add(c, "28\\%", "29 percent", F)
add(c, "12.5\\%", "\\frac{1}{8}", T)
add(c, "40\\%", "The discount was 40%.", T)
add(c, "40\\%", "The discount was 45%.", F)

# --- fractions, decimals, precision ---------------------------------------------------------------
c = "number"
add(c, "\\frac{10}{9}", "\\frac{10}{9}", T)
add(c, "\\frac{10}{9}", "10/9", T)
add(c, "\\frac{10}{9}", "\\dfrac{20}{18}", T)
add(c, "\\frac{10}{9}", "\\frac{9}{10}", F)
add(c, "\\frac{1}{12}", "0.0833333333333333", T)
add(c, "\\frac{1}{12}", "0.0833", F)
add(c, "\\frac{1}{12}", "0.0833", T, precision=4)
add(c, "\\frac{1}{3}", "0.333", F)
add(c, "\\frac{1}{3}", "0.333333", T)
add(c, "\\frac{1}{3}", "0.3333", T, precision=4)
add(c, "\\frac{2}{3}", "0.6667", T, precision=4)
add(c, "\\frac{2}{3}", "0.6666", F, precision=4)
add(c, "\\frac{1}{2004!}", "\\frac{1}{2006!}", F)
add(c, "\\frac{1}{2004!}", "\\frac{2005 \\cdot 2006}{2006!}", T)
add(c, "\\frac{1}{2004!}", "0", F)
add(c, "2^{100}", "2^{100}+1", F)
add(c, "2^{100}", "1267650600228229401496703205376", T)
add(c, "0.5", "\\frac12", T)
add(c, "0.5", ".5", T)
add(c, "3.75", "\\frac{15}{4}", T)
add(c, "3.75", "3\\frac34", T)
add(c, "3.75", "3.57", F)
add(c, "-\\frac{2}{3}", "\\frac{-2}{3}", T)
add(c, "-\\frac{2}{3}", "\\frac{2}{3}", F)
add(c, "\\frac{\\sqrt{3}}{2}", "0.866025", T)
add(c, "\\frac{\\sqrt{3}}{2}", "0.866", F)
add(c, "\\frac{\\sqrt{3}}{2}", "0.866", T, precision=3)
add(c, "\\pi", "3.14", F)
add(c, "\\pi", "\\frac{355}{113}", F)
add(c, "1.5\\times 10^{3}", "1500", T)

# --- plus-minus ----------------------------------------------------------------------------------
c = "plus-minus"
add(c, "\\pm 2021", "2021", F)
add(c, "\\pm 2021", "2021, -2021", T)
add(c, "\\pm 2021", "-2021 \\text{ or } 2021", T)
add(c, "2021", "\\pm 2021", F)
add(c, "1 \\pm \\sqrt{5}", "1+\\sqrt5, 1-\\sqrt5", T)
add(c, "1 \\pm \\sqrt{5}", "1+\\sqrt5", F)
add(c, "\\pm\\frac{1}{2}", "\\frac12, -\\frac12", T)
add(c, "\\pm\\frac{1}{2}", "\\pm 2", F)

# --- several boxed answers = a set ------------------------------------------------------------------
c = "multi-boxed"
add(c, "2, 3, 5", "\\boxed{2}, \\boxed{3}, \\boxed{5}", T)
add(c, "2, 3, 5", "\\boxed{5}, \\boxed{2}, \\boxed{3}", T)
add(c, "2, 3, 5", "\\boxed{2}, \\boxed{3}", F)
add(c, "\\{2, 3, 5\\}", R("The primes are $\\boxed{2}$, $\\boxed{3}$ and $\\boxed{5}$."), T, kind="response")
add(c, "(2,2), (6,2)", "\\boxed{(2, 2)} \\text{ and } \\boxed{(6, 2)}", T)
add(c, "(2,2), (6,2)", "\\boxed{(2, 2)} \\text{ and } \\boxed{(2, 6)}", F)
add(c, "(2,2), (6,2)", R("Both pairs work: $\\boxed{(6,2)}$ and $\\boxed{(2,2)}$."), T, kind="response")
add(c, "7", R("First, $\\boxed{5}$ is wrong. After checking again the count is \\boxed{7}."), T, kind="response")
add(c, "5, 7", R("First, $\\boxed{5}$ is wrong. After checking again the count is \\boxed{7}."), F, kind="response")
add(c, "1, -1", "\\boxed{1} \\text{ or } \\boxed{-1}", T)

# --- tuples and points -------------------------------------------------------------------------------
c = "tuple"
add(c, "(0,1)", "(0,1.5)", F)
add(c, "(0,1)", "(0, 1)", T)
add(c, "(0,1)", "(1,0)", F)
add(c, "\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)", T)
add(c, "\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi)", F)
add(c, "(3,2)", "(p,q)=(3,2)", T)
add(c, "(3,2)", "(p,q)=(2,3)", F)
add(c, "(5,8), (8,5)", "(x, y) = (5, 8) \\quad \\text{and} \\quad (8, 5)", T)
add(c, "(5,8), (8,5)", "(x, y) = (5, 8)", F)
add(c, "(1,-2,3)", "\\left(1,-2,3\\right)", T)
add(c, "(1,-2,3)", "(1,2,3)", F)
add(c, "(\\frac12, 3)", "(0.5, 3)", T)
add(c, "(2,5)", "[2,5]", F)

# --- sets -----------------------------------------------------------------------------------------------
c = "set"
add(c, "\\{1,2,3\\}", "\\{3,1,2\\}", T)
add(c, "\\{1,2,3\\}", "\\{1,2\\}", F)
add(c, "\\{1,2,3\\}", "\\{1,2,4\\}", F)
add(c, "1, 2, 3", "3, 2, 1", T)
add(c, "-7, 9", "9 \\text{ and } -7", T)
add(c, "-7, 9", "9 \\text{ and } 7", F)
add(c, "\\{-1, \\frac{1}{2}\\}", "x = -1 \\text{ or } x = \\frac12", T)
add(c, "\\{-1, \\frac{1}{2}\\}", "x=-1", F)

# --- intervals and unions -------------------------------------------------------------------------------
c = "interval"
add(c, "(-\\infty, 3]", "(-\\infty,3]", T)
add(c, "(-\\infty, 3]", "(-\\infty,3)", F)
add(c, "[1,2)", "\\left[1, 2\\right)", T)
add(c, "[1,2)", "[1,2]", F)
add(c, "(-\\infty,-1)\\cup(1,\\infty)", "(1,\\infty)\\cup(-\\infty,-1)", T)
add(c, "(-\\infty,-1)\\cup(1,\\infty)", "(-\\infty,-1]\\cup(1,\\infty)", F)
add(c, "(-\\infty,-1)\\cup(1,\\infty)", "(1,\\infty)", F)
add(c, "(\\frac{3}{5}, \\frac{8}{3}]", "(0.6, 2.6667]", T, precision=4)
add(c, "(\\frac{3}{5}, \\frac{8}{3}]", "(0.6, 2.6667]", F)
add(c, "(\\frac{3}{5}, \\frac{8}{3}]", "(0.6, 2.6667)", F, precision=4)
add(c, "[-2,7]", "x \\in [-2,7]", T)
add(c, "[-2,7]", "x \\in [-2,8]", F)

# --- inequalities vs intervals (set-relation comparison) -------------------------------------------------------
c = "set-relation"
add(c, "x \\in [-2,7]", "-2 \\le x \\le 7", T, allow_set_relation=True)
add(c, "x \\in [-2,7]", "-2 \\le x \\le 7", F)
add(c, "x \\in [-2,7]", "-2 < x \\le 7", F, allow_set_relation=True)
add(c, "(3,\\infty)", "x > 3", T, allow_set_relation=True)
add(c, "(3,\\infty)", "x > 3", F)
add(c, "(3,\\infty)", "x \\ge 3", F, allow_set_relation=True)
add(c, "(3,\\infty)", "x < 3", F, allow_set_relation=True)
add(c, "(-\\infty, 2]", "x \\le 2", T, allow_set_relation=True)
add(c, "(2,5]", "2 < x \\le 5", T, allow_set_relation=True)
add(c, "(2,5]", "5 \\ge x > 2", T, allow_set_relation=True)
add(c, "(2,5]", "2 \\le x \\le 5", F, allow_set_relation=True)
add(c, "x > 3", "3 < x", T)
add(c, "x \\ge 2", "2 \\le x", T)
add(c, "x > 3", "x < 3", F)
add(c, "x \\ge 3", "x > 3", F)

# --- equations, assignments and chains ----------------------------------------------------------------------------
c = "equation"
add(c, "11", "x = 5+5+1 = 11", T)
add(c, "11", "x = 5+5+1 = 12", F)
add(c, "11", "5+5+1 = 11", T)
add(c, "x=3", "3", T)
add(c, "3", "x = 3", T)
add(c, "x=3", "x=4", F)
add(c, "y = 2x+1", "2x+1", T)
add(c, "y = 2x+1", "y = 2x-1", F)
add(c, "y = 2x+1", "2x - y + 1 = 0", T)
add(c, "3x-y+13=0", "6x-2y+26=0", T)
add(c, "3x-y+13=0", "3x+4y+14=0", F)
add(c, "x + y = 1", "2x + 2y = 3", F)
add(c, "x^2 + y^2 = 25", "25 - x^2 - y^2 = 0", T)
add(c, "x^2 + y^2 = 25", "x^2 + y^2 = 5", F)
add(c, "k = 5", "5", T)
add(c, "n=2,3,4", "n=1,2,3", F)
add(c, "n=2,3,4", "4, 3, 2", T)

# --- strict variable matching -----------------------------------------------------------------------------------
c = "strict"
add(c, "f(x) = x^2 + 1", "f(y) = y^2 + 1", F)
add(c, "f(x) = x^2 + 1", "f(y) = y^2 + 1", T, strict=False)
add(c, "f(x) = x^2 + 1", "f(x) = x^2 + 1", T)
add(c, "f(x) = x^2 + 1", "f(y) = y^2 + 2", F, strict=False)
add(c, "x^2 + 1", "y^2 + 1", F)
add(c, "x^2 + 1", "y^2 + 1", T, strict=False)
add(c, "x^2 + 1", "t^2 + 1", T, strict=False)
add(c, "x^2 + 1", "t^2 - 1", F, strict=False)
add(c, "a + 2b", "a + 2b", T)
add(c, "a + 2b", "b + 2a", F)
add(c, "x = 3", "y = 3", F)
add(c, "x = 3", "y = 3", T, strict=False)

# --- symbolic expressions ------------------------------------------------------------------------------------------
c = "symbolic"
add(c, "x^2+2x+1", "(x+1)^2", T)
add(c, "x^2+2x+1", "(x-1)^2", F)
add(c, "\\frac{x^2-1}{x-1}", "x+1", T)
add(c, "\\sin^2 x + \\cos^2 x", "1", T)
add(c, "2\\sin x\\cos x", "\\sin 2x", T)
add(c, "2\\sin x\\cos x", "\\cos 2x", F)
add(c, "\\sqrt{8}", "2\\sqrt{2}", T)
add(c, "\\sqrt{8}", "2\\sqrt{3}", F)
add(c, "\\frac{\\sqrt3}{3}", "\\frac{1}{\\sqrt3}", T)
add(c, "3\\sqrt{2}", "\\sqrt{18}", T)
add(c, "3\\sqrt{2}", "\\sqrt{17}", F)
add(c, "\\log_2 8", "3", T)
add(c, "\\ln(e^2)", "2", T)
add(c, "e^{i\\pi}", "-1", T)
add(c, "1-\\frac1e", "1+\\frac1e", F)
add(c, "\\frac{\\pi}{6}", "30\\pi/180", T)
add(c, "\\frac{\\pi}{6}", "\\frac{\\pi}{3}", F)
add(c, "x", "|x|", F)
add(c, "x", "\\sqrt{x^2}", F)
add(c, "x - x", "0", T)
add(c, "\\sin^2x+\\cos^2x-1", "x-x", T)
add(c, "\\binom{10}{3}", "120", T)
add(c, "\\binom{10}{3}", "\\binom{10}{4}", F)
add(c, "5!", "120", T)
add(c, "\\frac{a+b}{2}", "\\frac{a}{2}+\\frac{b}{2}", T)
add(c, "3+2i", "2i+3", T)
add(c, "3+2i", "3-2i", F)

# --- sums and products -------------------------------------------------------------------------------------------------
c = "sum"
add(c, "\\sum_{k=0}^{n-1} F_k F_{n-k-1}", "\\sum_{k=0}^{n-1} F_{n-k-1} F_k", T)
add(c, "\\sum_{k=0}^{n-1} F_k F_{n-k-1}", "\\sum_{k=0}^{n-1} F_{n-k} F_k", F)
add(c, "\\sum_{k=0}^{n-1} F_k F_{n-k-1}", "\\sum_{k=1}^{n} F_{k-1} F_{n-k}", T)
add(c, "\\sum_{k=1}^{10} k", "55", T)
add(c, "\\sum_{k=1}^{10} k", "56", F)
add(c, "\\sum_{k=1}^{n} k", "\\frac{n(n+1)}{2}", T)
add(c, "\\sum_{k=1}^{n} k", "\\frac{n(n-1)}{2}", F)
add(c, "\\prod_{k=1}^{5} k", "120", T)
add(c, "\\sum_{i=1}^{n} i^2", "\\frac{n(n+1)(2n+1)}{6}", T)
add(c, "\\sum_{i=1}^{n} i^2", "\\frac{n(n+1)(2n-1)}{6}", F)

# --- matrices -------------------------------------------------------------------------------------------------------------
c = "matrix"
M = "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"
add(c, M, "\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right]", T)
add(c, M, "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", T)
add(c, M, "\\begin{bmatrix} 1 & 2 \\\\ 4 & 3 \\end{bmatrix}", F)
add(c, M, "\\left[\\begin{array}{cc} 1 & 3 \\\\ 2 & 4 \\end{array}\\right]", F)
add(c, "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T)
add(c, "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", "\\begin{pmatrix} 2 & -1 \\end{pmatrix}", F)
add(c, "\\begin{pmatrix} \\frac12 & 0 \\\\ 0 & 1 \\end{pmatrix}", "\\begin{pmatrix} 0.5 & 0 \\\\ 0 & 1 \\end{pmatrix}", T)

# --- money and units -------------------------------------------------------------------------------------------------------
c = "units"
add(c, "16386.20", "\\$16,\\!386.20", T)
add(c, "16386.20", "\\$16,\\!368.20", F)
add(c, "\\$16,386.20", "16386.2", T)
add(c, "5", "5\\text{ cm}", T)
add(c, "5", "5 \\text{ meters}", T)
add(c, "5", "6 \\text{ cm}", F)
add(c, "90", "90^\\circ", T)
add(c, "90", "90^{\\circ}", T)
add(c, "90^\\circ", "45^\\circ", F)
add(c, "12", "12 \\text{ inches}^2", T)
add(c, "2.50", "\\$2.50", T)
add(c, "2.50", "\\$2.05", F)
add(c, "1,000", "\\$1000", T)

# --- text answers ----------------------------------------------------------------------------------------------------------
c = "text"
add(c, "\\text{Evelyn}", "Evelyn", T)
add(c, "\\text{Evelyn}", "Navin", F)
add(c, "\\text{east}", "East", T)
add(c, "\\text{(C)}", "(C)", T)
add(c, "\\text{(C)}", "(D)", F)
add(c, "\\text{odd}", "\\text{even}", F)
add(c, "\\text{odd}", "\\textbf{odd}", T)

# --- multiple choice --------------------------------------------------------------------------------------------------------
c = "choice"
add(c, "26", "\\textbf{(A)}\\ 26", T)
add(c, "26", "\\textbf{(A)}\\ 27", F)
add(c, "(C)", "\\textbf{(C)}\\ 28", T)
add(c, "(B)", "\\textbf{(C)}\\ 26", F)
add(c, "C", "(C)", T)

# --- full responses of reasoning models (default latex+expr extraction) ---------------------------------------------------------
c = "response"
add(c, "\\frac{3}{4}", R("So the probability is $\\boxed{\\dfrac34}$."), T, kind="response")
add(c, "\\frac{3}{4}", R("So the probability is $\\boxed{\\dfrac43}$."), F, kind="response")
add(c, "4", "<think>Try \\boxed{4}</think> So the final answer is 5.", F, kind="response")
add(c, "5", "<think>Try \\boxed{4}</think> So the final answer is 5.", T, kind="response")
add(c, "5", "<think>Try \\boxed{4}</think> So the final answer is 5.", F, kind="response", extract=["boxed"])
add(c, "4", "<think>Try \\boxed{4}</think> So the final answer is 5.", F, kind="response", extract=["boxed"])
add(c, "4", "<think>We have 2+2 = \\boxed{4}", F, kind="response")
add(c, "\\frac{1}{2}", R("The final answer is $\\frac{1}{2}$."), T, kind="response")
add(c, "\\frac{1}{2}", R("The final answer is $\\frac{1}{3}$."), F, kind="response")
add(c, "\\frac{1}{2}", R("Thus $x = \\frac{1}{2}$."), T, kind="response")
add(c, "\\frac{1}{2}", R("Thus $x = \\frac{1}{2}$."), F, kind="response", extract=["boxed"])
add(c, "\\frac{1}{2}", R("Thus x = 0.5."), T, kind="response")
add(c, "\\frac{1}{2}", R("Thus x = 0.5."), F, kind="response", extract=["latex"])
add(c, "15", R("Therefore, the answer is **15**."), T, kind="response")
add(c, "15", R("Therefore, the answer is **16**."), F, kind="response")
add(c, "\\sqrt{2}", R("We conclude that $d = \\sqrt{2}$, i.e. about $1.41$."), F, kind="response")
add(c, "\\sqrt{2}", R("The distance is \\(\\sqrt{2}\\)."), T, kind="response")
add(c, "\\sqrt{2}", R("The distance is \\[d = \\sqrt{2}\\]"), T, kind="response")
add(c, "6", R("The answer is \\boxed{6}. I hope it is correct."), T, kind="response")
add(c, "6", R("The answer is \\boxed{-6}. I hope it is correct."), F, kind="response")
add(c, "(1,2]", R("Hence the solution set is $\\boxed{(1, 2]}$."), T, kind="response")
add(c, "(1,2]", R("Hence the solution set is $\\boxed{(1, 2)}$."), F, kind="response")
add(c, "100", R("The total cost is $100."), T, kind="response")
add(c, "809", R("**Final Answer**\n\\[\n\\boxed{809}\n\\]"), T, kind="response")
add(c, "809", R("**Final Answer**\n\\[\n\\boxed{908}\n\\]"), F, kind="response")
add(c, "2", R("I could not finish the computation."), F, kind="response")
add(c, "\\frac{\\pi}{4}", R("The angle is $\\boxed{45^\\circ}$."), F, kind="response")
add(c, "45", R("The angle is $\\boxed{45^\\circ}$."), T, kind="response")

# --- AIME / DeepScaleR style integers in boxes --------------------------------------------------------------------------------
c = "aime"
for g, p, e in [("033", "33", T), ("033", "\\boxed{033}", T), ("113", "\\boxed{131}", F), ("25", "\\boxed{025}", T), ("204", "204.0", T), ("204", "2.04", F), ("7", "\\boxed{7.}", T), ("540", "540^\\circ", T), ("80", "\\boxed{8}", F), ("23", "23 \\text{ students}", T)]:
    add(c, g, p, e)

# --- base notation and special forms ------------------------------------------------------------------------------------------
c = "special"
add(c, "1011_2", "1011_{2}", T)
add(c, "1011_2", "11", F)
add(c, "\\infty", "\\infty", T)
add(c, "\\infty", "10^{400}", F)
add(c, "-\\infty", "\\infty", F)
add(c, "2", "", F)
add(c, "\\lfloor 2.5 \\rfloor", "2", T)
add(c, "|-3|", "3", T)

# --- how people and models type: unicode, number words, word case, assignments as a tuple -----------------------
c = "typing"
add(c, "\\frac{\\pi}{2}", "π/2", T)
add(c, "\\frac{\\pi}{2}", "π/3", F)
add(c, "\\sqrt{2}", "√2", T)
add(c, "\\sqrt{2}", "√3", F)
add(c, "-3", "−3", T)
add(c, "x^2", "x²", T)
add(c, "x^2", "x³", F)
add(c, "3", "three", T)
add(c, "3", "Three", T)
add(c, "3", "four", F)
add(c, "\\text{No}", "no", T)
add(c, "\\text{Yes}", "no", F)
add(c, "(2,3)", "x=2, y=3", T)
add(c, "(2,3)", "x=3, y=2", F)
add(c, "a=2, b=3", "b=3, a=2", T)
add(c, "a=2, b=3", "a=3, b=2", F)
add(c, "\\arcsin x", "\\sin^{-1} x", T)
add(c, "\\arcsin x", "\\cos^{-1} x", F)
add(c, "f^{-1}(x) = \\frac{x-1}{2}", "\\frac{x-1}{2}", T)
add(c, "f^{-1}(x) = \\frac{x-1}{2}", "\\frac{x+1}{2}", F)
add(c, "1:3", "2:6", T)
add(c, "1:3", "3:1", F)
add(c, "\\{x \\mid 2 < x < 3\\}", "(2,3)", T, allow_set_relation=True)
add(c, "\\{x \\mid 2 < x < 3\\}", "[2,3]", F, allow_set_relation=True)

for row in cases:
    print(json.dumps(row, ensure_ascii=False))
