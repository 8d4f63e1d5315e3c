#!/usr/bin/env python3
"""Writes fixtures/merge/{bac-lieu,ca-mau}: two small former provinces' files for plan year 2025.

Deterministic (a fixed linear congruential generator, no clock): running it again writes the same
bytes. Project codes and txn_ids carry the province's prefix, so that nothing is in both and the
merged check must equal the sum of the two (README "Reorganisation").
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "merge")

PROVINCES = {
    "bac-lieu": ("BL", ["Ban QLDA đầu tư xây dựng tỉnh Bạc Liêu", "Ban QLDA huyện Hồng Dân", "Sở Y tế Bạc Liêu"],
                 ["TP Bạc Liêu", "Huyện Hồng Dân", "Huyện Phước Long"], 11),
    "ca-mau": ("CM", ["Ban QLDA đầu tư xây dựng tỉnh Cà Mau", "Ban QLDA huyện Trần Văn Thời", "Sở Giáo dục và Đào tạo Cà Mau"],
               ["TP Cà Mau", "Huyện Trần Văn Thời", "Huyện U Minh"], 23),
}
NAMES = ["Đường giao thông", "Trường tiểu học", "Trạm y tế", "Kè chống sạt lở", "Cầu bê tông", "Nhà văn hóa"]


class LCG:
    def __init__(self, seed):
        self.state = seed

    def next(self, n):
        self.state = (self.state * 1103515245 + 12345) % (2 ** 31)
        return self.state % n


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(c) for c in r) + "\n")


for folder, (prefix, investors, districts, seed) in PROVINCES.items():
    rng = LCG(seed)
    out = os.path.join(ROOT, folder)
    os.makedirs(out, exist_ok=True)
    projects, plan, ledger = [], [], []
    txn = 0
    for k in range(6):
        code = f"{prefix}{k + 1:03d}"
        investor = investors[k % 3]
        projects.append([code, f"{NAMES[k]} {districts[k % 3]}", investor, districts[k % 3]])
        amount = (rng.next(40) + 10) * 100_000_000
        cls = "new_start" if k % 3 == 2 else "transitional"
        plan.append([code, 2025, cls, "current", "NSĐP" if k % 2 else "NSTW", amount, "2025-01-10", "05/QĐ-UBND"])
        if k % 2 == 0:
            plan.append([code, 2025, cls, "current", "NSĐP" if k % 2 else "NSTW", -(rng.next(5) + 1) * 50_000_000,
                         "2025-06-20", "88/QĐ-UBND"])
        outstanding = 0
        for month in range(1, 12):
            if rng.next(3) == 0:
                continue
            txn += 1
            date = f"2025-{month:02d}-{rng.next(27) + 1:02d}"
            value = (rng.next(30) + 1) * 10_000_000
            kind = ["payment", "payment", "advance", "refund"][rng.next(4)]
            if kind == "refund":
                value = 5_000_000
            if kind == "advance":
                outstanding += value
            ledger.append([f"{prefix}-2025-{txn:04d}", code, 2025, "current", date, kind, value])
            if kind == "advance" and month < 11:
                txn += 1
                ledger.append([f"{prefix}-2025-{txn:04d}", code, 2025, "current", f"2025-{month + 1:02d}-28", "advance_recovery",
                               value // 2])
    ledger.sort(key=lambda r: (r[4], r[0]))
    write(os.path.join(out, "projects.csv"), ["project_code", "project_name", "investor", "district"], projects)
    write(os.path.join(out, "plan.csv"), ["project_code", "plan_year", "class", "tranche", "fund_source", "amount_vnd",
                                          "effective_on", "decision_ref"], plan)
    write(os.path.join(out, "disbursements.csv"), ["txn_id", "project_code", "plan_year", "tranche", "date", "type",
                                                   "amount_vnd"], ledger)
