# Reference fits in R for tests/test_models_vs_r.py.
# Usage: Rscript tests/r/reference_fits.R cohort.csv out.csv
# The cohort has 0/1 columns ned, ecog0, ihc3, grade_le2, pfs_months, progressed, entry_months.
# Writes key,value lines; every value is printed with 17 significant digits.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
out <- list()
put <- function(key, value) out[[key]] <<- value

# 1. logistic regression, maximum likelihood (glm, IRLS to a tight tolerance)
g <- glm(ned ~ ecog0 + ihc3 + grade_le2, family = binomial, data = d,
         control = glm.control(epsilon = 1e-14, maxit = 100))
for (v in c("ecog0", "ihc3", "grade_le2")) {
  put(paste0("glm_coef_", v), coef(g)[[v]])
  put(paste0("glm_se_", v), sqrt(diag(vcov(g)))[[v]])
}

# 2. Cox, Efron ties, from the time origin; and with left truncation at entry_months
ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-15, iter.max = 100)
c1 <- suppressWarnings(coxph(Surv(pfs_months, progressed) ~ ned, data = d, ties = "efron", control = ctl))
put("cox_coef_ned", coef(c1)[["ned"]]); put("cox_se_ned", sqrt(vcov(c1))[1, 1])
c2 <- suppressWarnings(coxph(Surv(entry_months, pfs_months, progressed) ~ ned, data = d,
                             ties = "efron", control = ctl))
put("coxlt_coef_ned", coef(c2)[["ned"]]); put("coxlt_se_ned", sqrt(vcov(c2))[1, 1])
c3 <- suppressWarnings(coxph(Surv(pfs_months, progressed) ~ ned + ecog0 + ihc3 + grade_le2, data = d,
                             ties = "efron", control = ctl))
for (v in c("ned", "ecog0", "ihc3", "grade_le2")) {
  put(paste0("coxm_coef_", v), coef(c3)[[v]]); put(paste0("coxm_se_", v), sqrt(diag(vcov(c3)))[[v]])
}

# 3. Kaplan-Meier medians by NED (log-log CI, the transform lifelines uses)
for (g_ in c(0, 1)) {
  s <- d[d$ned == g_, ]
  f <- survfit(Surv(pfs_months, progressed) ~ 1, data = s, conf.type = "log-log")
  q <- quantile(f, probs = 0.5)
  put(paste0("km_median_", g_), unname(q$quantile))
  # is the curve exactly 0.5 on a flat stretch? (R then reports the midpoint; lifelines the start)
  put(paste0("km_flat_half_", g_), as.numeric(any(abs(f$surv - 0.5) < 1e-12)))
  ft <- survfit(Surv(entry_months, pfs_months, progressed) ~ 1, data = s, conf.type = "log-log")
  put(paste0("kmlt_median_", g_), unname(quantile(ft, probs = 0.5)$quantile))
  put(paste0("kmlt_flat_half_", g_), as.numeric(any(abs(ft$surv - 0.5) < 1e-12)))
}

# 4. log-rank test
lr <- survdiff(Surv(pfs_months, progressed) ~ ned, data = d)
put("logrank_chisq", lr$chisq)

# 5. Firth-penalised logistic written out here (logistf is not in Debian's r-cran set):
#    Newton steps on the modified score X'(y - p + h (1/2 - p)); Wald SEs from the information.
X <- cbind(1, as.matrix(d[, c("ecog0", "ihc3", "grade_le2")])); y <- d$ned
b <- rep(0, ncol(X))
for (i in 1:200) {
  p <- as.vector(1 / (1 + exp(-X %*% b))); w <- p * (1 - p)
  I <- t(X) %*% (X * w); V <- solve(I)
  h <- rowSums((X %*% V) * X) * w
  step <- V %*% (t(X) %*% (y - p + h * (0.5 - p)))
  b <- b + as.vector(step)
  if (max(abs(step)) < 1e-13) break
}
p <- as.vector(1 / (1 + exp(-X %*% b))); V <- solve(t(X) %*% (X * (p * (1 - p))))
names(b) <- c("(Intercept)", "ecog0", "ihc3", "grade_le2")
for (v in c("ecog0", "ihc3", "grade_le2")) {
  put(paste0("firth_coef_", v), b[[v]]); put(paste0("firth_se_", v), sqrt(diag(V))[match(v, names(b))])
}

lines <- vapply(names(out), function(k) sprintf("%s,%.17g", k, out[[k]]), "")
writeLines(c("key,value", lines), args[2])
