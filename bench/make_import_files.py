#!/usr/bin/env python3
"""Write CSV files of customers and their vehicles for measuring `kefu import`.

    python3 bench/make_import_files.py 100000 /tmp/kefu-import

writes customers.csv (Chinese headers, dealers SH001..HZ001 of the demo group)
and vehicles.csv (valid VINs with check digits, unique plates, owners by phone).
"""
import os
import random
import sys

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
DEALERS = [("SH001", "沪A"), ("BJ001", "京N"), ("GZ001", "粤A"), ("HZ001", "浙A")]
VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
              **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def vin(serial):
    body = "LSVAU2180N" + "%07d" % serial
    total = sum(VIN_VALUES[c] * w for c, w in zip(body, WEIGHTS))
    check = "X" if total % 11 == 10 else str(total % 11)
    return body[:8] + check + body[9:]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = sys.argv[2] if len(sys.argv) > 2 else "."
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(7)
    with open(os.path.join(out, "customers.csv"), "w", encoding="utf-8") as c, \
            open(os.path.join(out, "vehicles.csv"), "w", encoding="utf-8") as v:
        c.write("姓名,手机,性别,生日,门店编码,等级,来源\n")
        v.write("车架号,车牌,品牌,车型,购车日期,里程,客户手机\n")
        for i in range(n):
            phone = "1%d%09d" % (rnd.choice([3, 5, 7, 8, 9]), 300_000_000 + i)
            code, prefix = DEALERS[i % len(DEALERS)]
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
            c.write("%s,%s,%s,19%02d-%02d-%02d,%s,%s,400\n" % (
                name, phone, rnd.choice("男女"), rnd.randint(50, 99), rnd.randint(1, 12),
                rnd.randint(1, 28), code, rnd.choice("ABCDE")))
            plate = prefix + "".join(PLATE_CHARS[(i // 34 ** k) % 34] for k in range(5))[::-1]
            v.write("%s,%s,大众,帕萨特,20%02d-%02d-%02d,%d,%s\n" % (
                vin(i), plate, rnd.randint(15, 25), rnd.randint(1, 12), rnd.randint(1, 28),
                rnd.randint(1000, 150000), phone))


if __name__ == "__main__":
    main()
